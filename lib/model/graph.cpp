#include "model/graph.hpp"

#include <boost/graph/breadth_first_search.hpp>
#include <stdexcept>

namespace ordo::model {

FlowGraph::FlowGraph(const Scope& scope) : scope_(scope), graph_(scope.nodes.size()) {
  for (std::size_t i = 0; i < scope.nodes.size(); ++i) vertices_[scope.nodes[i].get()] = i;
  for (const auto& flow : scope.flows) {
    auto s = vertices_.find(flow->source);
    auto t = vertices_.find(flow->target);
    // A flow that crosses scopes is a validation error, reported elsewhere.
    if (s == vertices_.end() || t == vertices_.end()) continue;
    boost::add_edge(s->second, t->second, flow->index, graph_);
  }
}

FlowGraph::Vertex FlowGraph::vertex(const FlowNode* node) const {
  auto it = vertices_.find(node);
  if (it == vertices_.end()) throw std::out_of_range("node is not in this scope");
  return it->second;
}

namespace {
struct Marker : boost::default_bfs_visitor {
  std::vector<char>* seen;
  void discover_vertex(FlowGraph::Vertex v, const FlowGraph::Graph&) const { (*seen)[v] = 1; }
};

bool isEntry(const FlowNode& n, bool scopeHasStart) {
  switch (n.kind) {
    case NodeKind::startEvent:
    case NodeKind::boundaryEvent:
    case NodeKind::eventSubProcess: return true;
    case NodeKind::intermediateCatchEvent: return n.event(EventType::link) != nullptr;
    default:
      // Compensation handlers are entered by compensation, not by flows; and a
      // scope without start events starts every node that has no incoming flow.
      return n.isForCompensation || (!scopeHasStart && n.incoming.empty());
  }
}
}  // namespace

std::vector<const FlowNode*> FlowGraph::unreachable() const {
  std::vector<char> seen(boost::num_vertices(graph_), 0);
  bool hasStart = !scope_.startEvents().empty();
  for (std::size_t i = 0; i < scope_.nodes.size(); ++i) {
    if (seen[i] || !isEntry(*scope_.nodes[i], hasStart)) continue;
    Marker marker;
    marker.seen = &seen;
    std::vector<boost::default_color_type> colors(boost::num_vertices(graph_));
    boost::breadth_first_search(graph_, i,
                                boost::visitor(marker).color_map(boost::make_iterator_property_map(
                                    colors.begin(), boost::get(boost::vertex_index, graph_))));
  }
  std::vector<const FlowNode*> out;
  for (std::size_t i = 0; i < seen.size(); ++i)
    if (!seen[i]) out.push_back(scope_.nodes[i].get());
  return out;
}

bool FlowGraph::reaches(const FlowNode* from, const FlowNode* to) const {
  auto target = vertex(to);
  std::vector<char> seen(boost::num_vertices(graph_), 0);
  Marker marker;
  marker.seen = &seen;
  std::vector<boost::default_color_type> colors(boost::num_vertices(graph_));
  boost::breadth_first_search(graph_, vertex(from),
                              boost::visitor(marker).color_map(boost::make_iterator_property_map(
                                  colors.begin(), boost::get(boost::vertex_index, graph_))));
  return seen[target] != 0;
}

}  // namespace ordo::model
