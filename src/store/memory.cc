#include "store/memory.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <new>

namespace csu::store {

void AdviseHugePages(const void* p, size_t bytes) {
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  if (p == nullptr || bytes < kHuge) return;
  uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + 4095) & ~uintptr_t{4095};
  uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~uintptr_t{4095};
#ifdef MADV_HUGEPAGE
  if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#endif
}

void PrefaultPages(const void* p, size_t bytes) {
  constexpr uintptr_t kPage = 4096;
  uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kPage - 1) & ~(kPage - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kPage - 1);
  if (p == nullptr || end <= begin) return;
#ifndef MADV_POPULATE_WRITE
  constexpr int MADV_POPULATE_WRITE = 23;  // Linux 5.14; older kernels refuse it, harmlessly
#endif
  (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
}

ZeroedBlock::ZeroedBlock(size_t bytes) : bytes_(bytes) {
  constexpr size_t kHuge = size_t{2} << 20;
  if (bytes == 0) return;
  if (bytes < kHuge) {
    data_ = std::calloc(bytes, 1);
    if (data_ == nullptr) throw std::bad_alloc();
    return;
  }
  // Map a huge page more than asked and start at the first 2 MiB boundary.
  mapped_ = (bytes + kHuge - 1) / kHuge * kHuge + kHuge;
  void* p = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  mapping_ = p;
  uintptr_t aligned = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~uintptr_t{kHuge - 1};
  data_ = reinterpret_cast<void*>(aligned);
#ifdef MADV_HUGEPAGE
  (void)madvise(data_, mapped_ - kHuge, MADV_HUGEPAGE);  // [data_, + whole huge pages) lies inside the mapping
#endif
}

ZeroedBlock::~ZeroedBlock() { Release(); }

ZeroedBlock& ZeroedBlock::operator=(ZeroedBlock&& o) noexcept {
  if (this != &o) {
    Release();
    data_ = std::exchange(o.data_, nullptr);
    bytes_ = std::exchange(o.bytes_, 0);
    mapping_ = std::exchange(o.mapping_, nullptr);
    mapped_ = std::exchange(o.mapped_, 0);
  }
  return *this;
}

void ZeroedBlock::Release() {
  if (mapping_ != nullptr) {
    munmap(mapping_, mapped_);
  } else {
    std::free(data_);
  }
  data_ = mapping_ = nullptr;
  bytes_ = mapped_ = 0;
}

}  // namespace csu::store
