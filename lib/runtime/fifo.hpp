// A first-in, first-out queue over a vector, for the agenda and a command's work lists.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace ordo::runtime {

// Allocates nothing until the first push: std::deque allocates its map and a block when it is
// constructed, and every command built eight of them. References from front() last until the
// next push (as with a vector); take the element out before pushing.
template <class T>
class Fifo {
 public:
  bool empty() const { return head_ == items_.size(); }
  std::size_t size() const { return items_.size() - head_; }
  T& front() { return items_[head_]; }
  const T& front() const { return items_[head_]; }
  void push_back(const T& v) { items_.push_back(v); }
  void push_back(T&& v) { items_.push_back(std::move(v)); }
  template <class... Args>
  T& emplace_back(Args&&... args) {
    return items_.emplace_back(std::forward<Args>(args)...);
  }
  void pop_front() {
    if (++head_ == items_.size()) {  // drained: reuse the storage from the start
      items_.clear();
      head_ = 0;
    } else if (head_ >= 1024 && 2 * head_ >= items_.size()) {  // a long run never drains: drop what was taken
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

 private:
  std::vector<T> items_;
  std::size_t head_ = 0;
};

}  // namespace ordo::runtime
