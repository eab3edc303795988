// A worker as Camunda users write them, with Camunda's client: it subscribes to the two
// topics of tests/server/models/external-payment.bpmn and completes every task it gets.
// Usage: node worker.mjs BASE_URL USER PASSWORD EXPECTED  (exits 0 once EXPECTED receipts are sent)
import { BasicAuthInterceptor, Client, Variables } from "camunda-external-task-client-js";

const [baseUrl, username, password, expectedText] = process.argv.slice(2);
const expected = Number(expectedText);
const client = new Client({
  baseUrl: baseUrl + "/engine-rest",
  workerId: "js-worker",
  interceptors: new BasicAuthInterceptor({ username, password }),
  asyncResponseTimeout: 2000,
  lockDuration: 20000,
  maxTasks: 5,
});

let receipts = 0;
const failures = [];
client.on("complete:error", (task, e) => failures.push("complete " + task.id + ": " + e));
client.on("poll:error", (e) => failures.push("poll: " + e));

client.subscribe("charge-card", async ({ task, taskService }) => {
  const amount = task.variables.get("amount");
  const vars = new Variables();
  vars.set("charged", amount * 100);
  vars.set("receipt", { to: "buyer@example.com", cents: amount * 100 });
  await taskService.complete(task, vars);
});

client.subscribe("send-receipt", async ({ task, taskService }) => {
  const receipt = task.variables.get("receipt");
  if (!receipt || receipt.to !== "buyer@example.com") failures.push("receipt variable came back as " + JSON.stringify(receipt));
  await taskService.complete(task);
  receipts += 1;
  if (receipts === expected) {
    client.stop();
    if (failures.length) {
      console.error(failures.join("\n"));
      process.exit(1);
    }
    console.log("completed " + receipts + " receipts");
    process.exit(0);
  }
});

setTimeout(() => {
  console.error("timed out after " + receipts + " receipts; " + failures.join("; "));
  process.exit(1);
}, 60000);
