// Large buffers the store fills once, right after allocating them (column
// vectors, hash tables). Fresh memory costs a page fault per 4 KiB page on
// first touch, and on virtual machines that dominates: measured on the
// development VM, first touch runs at ~300 MB/s against ~18 GB/s for warm
// memory, and asking for transparent huge pages (madvise MADV_HUGEPAGE) made
// it 2-10x faster. So big buffers are reserved up front where the size is
// known, grow by allocating the next buffer, advising it, then copying, and
// never grow by plain push_back reallocation.
//
// The functions are thread-safe (stateless); a ZeroedBlock or ZeroedArray is
// used by one thread at a time, like a std::vector.
#pragma once

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

namespace csu::store {

// Advises the kernel to back the page-aligned part of [p, p + bytes) with
// huge pages. Does nothing for small ranges or where unsupported.
void AdviseHugePages(const void* p, size_t bytes);

// Faults in the pages of [p, p + bytes) for writing in one system call
// (MADV_POPULATE_WRITE), for a buffer about to be filled: ~3x cheaper than
// faulting them one by one on the development VM. Commits the memory, so only
// for buffers that will be filled. Does nothing where unsupported.
void PrefaultPages(const void* p, size_t bytes);

// Memory that starts as zero bytes, for hash tables: large blocks are fresh
// anonymous pages aligned to 2 MiB and advised for huge pages, which the
// kernel hands out already zeroed, so nothing is cleared twice (a table filled
// with assign(n, 0) was zeroed by the kernel and then again by memset) and the
// whole block can be huge pages (a malloc'd block seldom starts on a 2 MiB
// boundary). Small blocks come from calloc. Throws std::bad_alloc.
class ZeroedBlock {
 public:
  ZeroedBlock() = default;
  explicit ZeroedBlock(size_t bytes);
  ~ZeroedBlock();
  ZeroedBlock(ZeroedBlock&& o) noexcept { *this = std::move(o); }
  ZeroedBlock& operator=(ZeroedBlock&& o) noexcept;
  ZeroedBlock(const ZeroedBlock&) = delete;
  ZeroedBlock& operator=(const ZeroedBlock&) = delete;

  void* data() const { return data_; }
  size_t bytes() const { return bytes_; }

 private:
  void Release();
  void* data_ = nullptr;
  size_t bytes_ = 0;
  void* mapping_ = nullptr;  // when mapped: the whole mapping, for munmap
  size_t mapped_ = 0;
};

// n zero-initialised values of a trivial type in a ZeroedBlock.
template <typename T>
class ZeroedArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  ZeroedArray() = default;
  explicit ZeroedArray(size_t n) : block_(n * sizeof(T)), size_(n) {}
  ZeroedArray(ZeroedArray&& o) noexcept : block_(std::move(o.block_)), size_(std::exchange(o.size_, 0)) {}
  ZeroedArray& operator=(ZeroedArray&& o) noexcept {
    if (this != &o) {
      block_ = std::move(o.block_);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  T& operator[](size_t i) { return static_cast<T*>(block_.data())[i]; }
  const T& operator[](size_t i) const { return static_cast<const T*>(block_.data())[i]; }
  T* begin() { return static_cast<T*>(block_.data()); }
  T* end() { return begin() + size_; }
  size_t size() const { return size_; }

 private:
  ZeroedBlock block_;
  size_t size_ = 0;
};

// Ensures capacity >= n, advising huge pages for the new buffer before the
// old contents are copied into it.
template <typename T>
void ReserveHuge(std::vector<T>& v, size_t n) {
  if (n <= v.capacity()) return;
  std::vector<T> bigger;
  bigger.reserve(n);
  AdviseHugePages(bigger.data(), n * sizeof(T));
  bigger.insert(bigger.end(), v.begin(), v.end());
  v.swap(bigger);
}

// push_back that grows by doubling through ReserveHuge.
template <typename T>
inline void Push(std::vector<T>& v, std::type_identity_t<T> x) {
  if (v.size() == v.capacity()) ReserveHuge(v, std::max<size_t>(4096, v.capacity() * 2));
  v.push_back(x);
}

// Appends [first, last), growing through ReserveHuge.
template <typename T, typename It>
inline void Append(std::vector<T>& v, It first, It last) {
  size_t n = static_cast<size_t>(last - first);
  if (v.size() + n > v.capacity()) ReserveHuge(v, std::max(v.size() + n, v.capacity() * 2));
  v.insert(v.end(), first, last);
}

}  // namespace csu::store
