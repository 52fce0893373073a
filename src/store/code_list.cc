#include "store/code_list.h"

#include <cassert>

namespace csu::store {

std::string_view DimensionName(Dimension d) {
  switch (d) {
    case Dimension::kProvider: return "provider";
    case Dimension::kCommissioner: return "commissioner";
    case Dimension::kPractice: return "practice";
    case Dimension::kHrg: return "hrg";
    case Dimension::kTreatmentFunction: return "treatment_function";
    case Dimension::kDiagnosis: return "diagnosis";
    case Dimension::kProcedure: return "procedure";
    case Dimension::kSpecialisedService: return "specialised_service";
    case Dimension::kAdmissionMethod: return "admission_method";
    case Dimension::kDepartmentType: return "department_type";
    case Dimension::kDisposal: return "disposal";
    case Dimension::kCount: break;
  }
  return "?";
}

uint32_t DimensionCapacity(Dimension d) {
  switch (d) {
    case Dimension::kAdmissionMethod:
    case Dimension::kDepartmentType:
    case Dimension::kDisposal:
      return 255;
    default:
      return 65535;
  }
}

PackedCodeMap::PackedCodeMap() : entries_(16, Entry{0, 0}), mask_(15), shift_(64 - 4) {}

void PackedCodeMap::Insert(uint64_t key, uint32_t id) {
  assert(key != 0);
  if ((size_ + 1) * 2 > entries_.size()) Grow();
  size_t i = Slot(key);
  while (entries_[i].key != 0) {
    assert(entries_[i].key != key);
    i = (i + 1) & mask_;
  }
  entries_[i] = Entry{key, id};
  ++size_;
}

void PackedCodeMap::Grow() {
  std::vector<Entry> old = std::move(entries_);
  entries_.assign(old.size() * 2, Entry{0, 0});
  mask_ = entries_.size() - 1;
  --shift_;
  size_ = 0;
  for (const Entry& e : old) {
    if (e.key != 0) Insert(e.key, e.id);
  }
}

CodeList::CodeList() : codes_(1) {}

uint32_t CodeList::FindLong(std::string_view code) const {
  auto it = long_.find(std::string(code));
  return it == long_.end() ? 0 : it->second;
}

uint32_t CodeList::Append(std::string_view code) {
  assert(!code.empty() && Find(code) == 0);
  uint32_t id = size();
  codes_.emplace_back(code);
  uint64_t key = PackCode(code);
  if (key != 0) {
    packed_.Insert(key, id);
  } else {
    long_.emplace(std::string(code), id);
  }
  return id;
}

}  // namespace csu::store
