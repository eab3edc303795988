// Embeds Ordo in a Go program: a leave request (请假审批) of five days,
// approved by the manager and then the director, and a small model whose
// service task is done by a Go handler.
//
//	go run . [database-file [leave-approval.bpmn]]
//
// Without a database file it works in a temporary directory.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"ordo.dev/ordo"
)

const notifyModel = `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:flowable="http://flowable.org/bpmn" id="notifyDefinitions">
  <process id="notifyEmployee" name="Notify employee" isExecutable="true">
    <startEvent id="start"/>
    <serviceTask id="notify" name="Send notice" flowable:type="notify"/>
    <endEvent id="end"/>
    <sequenceFlow id="toNotify" sourceRef="start" targetRef="notify"/>
    <sequenceFlow id="toEnd" sourceRef="notify" targetRef="end"/>
  </process>
</definitions>`

func main() {
	log.SetFlags(0)
	log.SetPrefix("example: ")
	dbPath, modelPath := "", filepath.Join("..", "..", "bpmn-samples", "leave-approval.bpmn")
	if len(os.Args) > 1 {
		dbPath = os.Args[1]
	}
	if len(os.Args) > 2 {
		modelPath = os.Args[2]
	}
	tempDir := ""
	if dbPath == "" {
		dir, err := os.MkdirTemp("", "ordo-example-")
		if err != nil {
			log.Fatal(err)
		}
		tempDir, dbPath = dir, filepath.Join(dir, "ordo.db")
	}
	err := run(dbPath, modelPath)
	if tempDir != "" {
		os.RemoveAll(tempDir)
	}
	if err != nil {
		log.Fatal(err)
	}
}

func run(dbPath, modelPath string) error {
	ctx := context.Background()
	engine, err := ordo.Open(dbPath, ordo.Durability(ordo.Normal))
	if err != nil {
		return err
	}
	defer engine.Close()
	fmt.Printf("Ordo %s, database %s\n", ordo.Version(), dbPath)

	xml, err := os.ReadFile(modelPath)
	if err != nil {
		return err
	}
	deployment, err := engine.Deploy(string(xml))
	if err != nil {
		return err
	}
	for _, d := range deployment.Definitions {
		fmt.Printf("deployed %s version %d\n", d.Key, d.Version)
	}

	// The leave approval: five days need the manager and then the director.
	leave, err := engine.Start(ctx, ordo.StartRequest{
		Key:         "leaveApproval",
		BusinessKey: "leave-2024-001",
		Initiator:   "li.lei",
		Variables:   map[string]any{"days": 5, "manager": "wang.fang", "director": "zhao.min"},
	})
	if err != nil {
		return err
	}
	fmt.Printf("started leave request %d (%s) for 5 days\n", leave.ID, leave.BusinessKey)
	for _, approver := range []string{"wang.fang", "zhao.min"} {
		tasks, err := engine.Tasks(ordo.TaskQuery{InstanceID: leave.ID, Assignee: approver})
		if err != nil {
			return err
		}
		if len(tasks) != 1 {
			return fmt.Errorf("%s has %d open tasks, expected 1", approver, len(tasks))
		}
		fmt.Printf("  %s: %s\n", approver, tasks[0].Name)
		if err := engine.Complete(ctx, tasks[0].ID, map[string]any{"approved": true}, approver); err != nil {
			return err
		}
		fmt.Printf("  %s approved\n", approver)
	}
	leave, err = engine.Instance(leave.ID)
	if err != nil {
		return err
	}
	if leave.State != "completed" {
		return fmt.Errorf("leave request is %s, expected completed", leave.State)
	}
	history, err := engine.History(leave.ID)
	if err != nil {
		return err
	}
	var path []string
	for _, h := range history {
		if h.Kind == "element_left" { // the elements it passed, in order
			path = append(path, h.ElementID)
		}
	}
	fmt.Printf("leave request %d %s: %s\n", leave.ID, leave.State, strings.Join(path, " -> "))

	// A service task done in Go.
	if err := engine.RegisterHandler("notify", func(task *ordo.ServiceTask) error {
		vars, err := task.Variables()
		if err != nil {
			return err
		}
		fmt.Printf("  handler: task %s of instance %d tells %v the leave is approved\n",
			task.ElementID(), task.InstanceID(), vars["employee"])
		return task.SetVariable("notified", true)
	}); err != nil {
		return err
	}
	if _, err := engine.Deploy(notifyModel); err != nil {
		return err
	}
	notice, err := engine.Start(ctx, ordo.StartRequest{Key: "notifyEmployee",
		Variables: map[string]any{"employee": "li.lei"}})
	if err != nil {
		return err
	}
	vars, err := engine.Variables(notice.ID)
	if err != nil {
		return err
	}
	if notice.State != "completed" || vars["notified"] != true {
		return fmt.Errorf("notice %d is %s with variables %v", notice.ID, notice.State, vars)
	}
	fmt.Printf("notice %d %s, notified=%v\n", notice.ID, notice.State, vars["notified"])
	return nil
}
