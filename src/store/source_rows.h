// Where each row of a loaded table came from: its row in its batch's rows
// file (CommonColumns::source_row), held as runs rather than 4 bytes a row.
// A batch's kept rows are its file's rows in order, less the few a later
// record supersedes, so the source rows count up by one for long stretches:
// a run (first table row, its source row) stands for a whole stretch, and a
// loaded table holds one run per batch plus one per superseded record
// (~0 bytes a record, where a plain column took 4; docs/architecture.md,
// "Loaded records within 48 bytes").
//
//   SourceRows s;
//   s.push_back(0); s.push_back(1); s.push_back(5);   // two runs
//   s[2] == 5;
//   s.Find(0, 3, 5) == 2;   // the table row in [0, 3) with source row 5
//
// Reading a row is a binary search over the runs (a drill-down or an
// origin, never a scan's inner loop).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace csu::store {

class SourceRows {
 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // The source row of table row `row` (< size()).
  uint32_t operator[](size_t row) const;
  // Appends the next table row's source row.
  void push_back(uint32_t source_row);
  void clear();

  // The table row in [first, first + count) whose source row is
  // `source_row`, where the source rows of that range ascend (one batch's
  // rows: docs/store-format.md §7); nullopt if none.
  std::optional<size_t> Find(size_t first, size_t count, uint32_t source_row) const;

  // Runs held and bytes (sizes, not capacities).
  size_t runs() const { return runs_.size(); }
  size_t Bytes() const { return runs_.size() * sizeof(Run); }

  bool operator==(const SourceRows& other) const = default;

 private:
  // Table rows [row, next run's row) have source rows source, source + 1, ...
  struct Run {
    uint64_t row = 0;
    uint32_t source = 0;
    bool operator==(const Run&) const = default;
  };
  std::vector<Run> runs_;  // rows ascending, the first at row 0
  size_t size_ = 0;
  uint32_t last_ = 0;  // the last row's source row
};

}  // namespace csu::store
