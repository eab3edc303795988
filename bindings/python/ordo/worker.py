"""A polling worker for external service tasks (flowable:type="external")."""

import logging
import threading
from typing import Any, Callable, Dict, Optional

from .engine import Engine
from .errors import BpmnError, OrdoError, WrongState

logger = logging.getLogger("ordo")


class ExternalWorker:
    """Fetches and locks the external tasks of one topic and hands each to `handler`.

    handler(task) gets the task dict of fetch_and_lock ({"id", "instanceId", "elementId",
    "topic", "workerId", "retries", "lockExpiresAt", "variables"}) and
    - returns a dict of variables (or None) to complete the task with;
    - raises ordo.BpmnError(code) to throw a BPMN error from the task;
    - raises any other exception to fail the task, with one retry fewer than
      task["retries"] (at 0 the task becomes an incident).
    """

    def __init__(
        self,
        engine: Engine,
        worker_id: str,
        topic: str,
        handler: Callable[[Dict[str, Any]], Optional[Dict[str, Any]]],
        lock_millis: int = 60000,
        max_tasks: int = 10,
        retry_after_millis: int = 0,
    ) -> None:
        if not callable(handler):
            raise TypeError("handler must be callable")
        self.engine = engine
        self.worker_id = worker_id
        self.topic = topic
        self.handler = handler
        self.lock_millis = lock_millis
        self.max_tasks = max_tasks
        self.retry_after_millis = retry_after_millis
        self.last_fetched = 0

    def run_once(self) -> int:
        """Fetches one batch and reports every task in it; returns how many were reported."""
        tasks = self.engine.fetch_and_lock(self.topic, self.worker_id, self.max_tasks, self.lock_millis)
        self.last_fetched = len(tasks)
        done = 0
        for task in tasks:
            try:
                self._process(task)
                done += 1
            except OrdoError as e:
                # Typically the lock expired and another worker owns the task now.
                logger.warning("ordo: worker %s could not report external task %s: %s", self.worker_id, task.get("id"), e)
        return done

    def _process(self, task: Dict[str, Any]) -> None:
        task_id = task["id"]
        try:
            result = self.handler(task)
        except BpmnError as e:
            self.engine.bpmn_error_external(task_id, self.worker_id, e.code, e.variables)
            return
        except Exception as e:
            retries = max(int(task.get("retries") or 0) - 1, 0)
            message = f"{type(e).__name__}: {e}"
            self.engine.fail_external(task_id, self.worker_id, message, retries, self.retry_after_millis)
            return
        self.engine.complete_external(task_id, self.worker_id, result)

    def run(self, stop_event: threading.Event, poll_interval: float = 0.5) -> None:
        """Works until stop_event is set, waiting poll_interval seconds whenever there was nothing to do.
        Meant as a thread target: threading.Thread(target=worker.run, args=(stop,))."""
        while not stop_event.is_set():
            try:
                self.run_once()
            except OrdoError as e:
                if isinstance(e, WrongState) and self.engine.closed:
                    return
                logger.warning("ordo: worker %s could not fetch from %r: %s", self.worker_id, self.topic, e)
                self.last_fetched = 0
            if not self.last_fetched:
                stop_event.wait(poll_interval)
