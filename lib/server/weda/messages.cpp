// The message center: DescribeWorkflowMessages, DescribeWorkflowMessageCount,
// UpdateWorkflowMessageStatus over the engine's inbox. MessageType 0 (待办) holds the todo and
// urge messages, 2 (站内信) the cc and ended ones; READ_DONE is read, READ_TODO unread.
#include <set>

#include "server/state.hpp"
#include "server/weda/common.hpp"

namespace ordo::server::weda {

namespace {

int messageType(const InboxMessage& m) {
  return m.type == "todo" || m.type == "urge" ? 0 : 2;
}

std::vector<InboxMessage> allMessages(Engine& e, const std::string& user) {
  return e.inbox(user, false, 0, 1 << 30, {});
}

object messageContent(const Act& a, const InboxMessage& m) {
  auto& e = a.engine();
  std::string flow, starter;
  if (m.instanceId) try {
      auto i = e.instance(m.instanceId);
      flow = flowName(a, i);
      starter = nameOf(e, i.initiator);
    } catch (const Error&) {
    }
  auto me = nameOf(e, m.user);
  std::string title, text;
  if (m.type == "urge") {
    title = "处理提醒";
    text = me + "，请尽快处理流程" + flow + "，有人等急了哦！";
  } else if (m.type == "todo") {
    title = "待办提醒";
    text = me + "，您有一个待办任务：" + starter + "提交的" + flow + "（" + m.title + "）";
  } else if (m.type == "cc") {
    title = "抄送提醒";
    text = me + "，" + starter + "提交的" + flow + "抄送给您";
  } else {
    title = "流程结束提醒";
    text = me + "，您提交的" + flow + "已结束（" + m.title + "）";
  }
  return object{{"MessageType", messageType(m)},
                {"MainTitle", title},
                {"SubTitle", flow},
                {"MessageText", text},
                {"MessagePageLink", ""},
                {"MessageId", idString(m.id)},
                {"InstanceId", idString(m.instanceId)},
                {"TaskId", idString(m.taskId)},
                {"CreateTime", dateText(m.createdAt)},
                {"UpdateTime", dateText(m.createdAt)},
                {"Status", m.read ? "READ_DONE" : "READ_TODO"}};
}

value describeWorkflowMessages(Act& a) {
  auto user = userOf(a, "UserInfo");
  auto p = paging(a.body, "PageNo", "PageSize", true, 200);
  auto search = optString(a.body, "SearchTitleName").value_or("");
  auto type = optInt(a.body, "MessageType");
  if (type) oneOf(*type, {0, 2}, "MessageType");
  auto status = optString(a.body, "Status");
  if (status) oneOf(*status, {"READ_DONE", "READ_TODO"}, "Status");
  std::vector<object> rows;
  for (const auto& m : allMessages(a.engine(), user)) {
    if (type && messageType(m) != *type) continue;
    if (status && (*status == "READ_DONE") != m.read) continue;
    auto o = messageContent(a, m);
    if (!search.empty() && std::string(o["MainTitle"].as_string()).find(search) == std::string::npos &&
        std::string(o["SubTitle"].as_string()).find(search) == std::string::npos)
      continue;
    rows.push_back(std::move(o));
  }
  array list;
  for (auto& r : pageOf(rows, p)) list.push_back(std::move(r));
  return object{{"TotalCount", rows.size()}, {"ResponseList", list}};
}

value describeWorkflowMessageCount(Act& a) {
  auto user = userOf(a, "UserInfo");
  auto type = oneOf(reqInt(a.body, "MessageType"), {0, 2}, "MessageType");
  std::int64_t waiting = 0, finished = 0;
  for (const auto& m : allMessages(a.engine(), user))
    if (messageType(m) == type) ++(m.read ? finished : waiting);
  return object{{"Result", array{object{{"MessageType", type}, {"WaitingCount", waiting}, {"FinishCount", finished}}}}};
}

value updateWorkflowMessageStatus(Act& a) {
  auto user = userOf(a, "UserInfo");
  auto ids = reqStrings(a.body, "MessageIdList");
  auto status = oneOf(reqString(a.body, "Status"), {"READ_DONE", "READ_TODO"}, "Status");
  // Every id is checked before any is marked: a list with one unknown id changes nothing.
  std::set<Id> mine;
  for (const auto& m : allMessages(a.engine(), user)) mine.insert(m.id);
  std::vector<Id> marks;
  for (const auto& id : ids) {
    Id n = parseId(id, "MessageIdList");
    if (!mine.count(n))
      throw WedaError("ResourceNotFound", "MessageIdList: no message " + id + " of user '" + user + "'",
                      ErrorCode::not_found);
    marks.push_back(n);
  }
  for (Id n : marks) a.engine().markRead(n, actorFor(a, user), status == "READ_DONE");
  return object{{"Result", true}};
}

}  // namespace

void addMessageRoutes(RouteTable& t, const DialectPtr& d) {
  action(t, d, "DescribeWorkflowMessages", "a user's messages, filtered and paged", describeWorkflowMessages);
  action(t, d, "DescribeWorkflowMessageCount", "a user's read and unread messages of one type",
         describeWorkflowMessageCount);
  action(t, d, "UpdateWorkflowMessageStatus", "mark messages read (READ_DONE) or unread (READ_TODO)",
         updateWorkflowMessageStatus);
}

}  // namespace ordo::server::weda
