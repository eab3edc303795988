// The flow graph of one scope as a Boost.Graph adjacency_list.
//
// Vertices are the scope's nodes (vertex i is scope.nodes[i]); edges are its
// sequence flows (the edge property is the flow's index in scope.flows).
// Include this header only where graph algorithms run: it pulls in Boost.Graph.
#pragma once

#include <boost/graph/adjacency_list.hpp>

#include "model/model.hpp"

namespace ordo::model {

class FlowGraph {
 public:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property, std::size_t>;
  using Vertex = Graph::vertex_descriptor;

  explicit FlowGraph(const Scope& scope);

  const Graph& graph() const { return graph_; }
  Vertex vertex(const FlowNode* node) const;  // throws std::out_of_range for a node of another scope
  const FlowNode* node(Vertex v) const { return scope_.nodes[v].get(); }

  // Nodes no path reaches from the scope's entry points (start events, event
  // subprocesses, boundary events, nodes without incoming flows that a
  // scope without start events activates, link catch events, compensation handlers).
  std::vector<const FlowNode*> unreachable() const;
  // True when some path of sequence flows leads from `from` to `to`.
  bool reaches(const FlowNode* from, const FlowNode* to) const;

 private:
  const Scope& scope_;
  Graph graph_;
  std::unordered_map<const FlowNode*, Vertex> vertices_;
};

}  // namespace ordo::model
