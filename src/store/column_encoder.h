// Turns validated, pseudonymised records into the columns of one batch:
// codes become dictionary ids (appending new codes to a working copy of the
// store's dictionaries), dates become days, patients become batch-local
// numbers with their pseudonyms kept once in `patient_keys`.
//
// Values the column types cannot hold (a dictionary past its capacity, more
// than 65,535 critical care days, a date-time outside int32 minutes) are not
// truncated: the first such problem is kept in status() and the batch must
// not be committed. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ingest/activity_record.h"
#include "ingest/extract_schema.h"
#include "store/activity_tables.h"
#include "store/code_list.h"
#include "store/pseudonym_table.h"

namespace csu::store {

// The columns of one batch as the column file holds them (format §4).
struct BatchColumns {
  ingest::ExtractKind kind = ingest::ExtractKind::kApc;
  ApcTable apc;  // exactly one of the three is filled, per kind
  OpTable op;
  AeTable ae;
  std::vector<uint8_t> patient_keys;               // 32 bytes per local patient 1..P
  std::vector<uint32_t> record_id_offsets{0};      // rows + 1
  std::vector<uint8_t> record_id_bytes;

  CommonColumns& common();
  const CommonColumns& common() const;
  size_t rows() const { return common().size(); }
  size_t patients() const { return patient_keys.size() / 32; }
  std::string_view record_id(size_t row) const {
    return std::string_view(reinterpret_cast<const char*>(record_id_bytes.data()) + record_id_offsets[row],
                            record_id_offsets[row + 1] - record_id_offsets[row]);
  }
};

class ColumnEncoder {
 public:
  // `dictionaries` is a copy of the store's committed dictionaries; codes new
  // to it are appended and can be read back with dictionaries(). A good
  // `expected_records` lets the columns be allocated once (0 = unknown).
  ColumnEncoder(ingest::ExtractKind kind, CodeDictionaries dictionaries, size_t expected_records = 0);

  // The Add matching kind() must be used; a mismatch is a programmer error.
  void Add(const ingest::ApcRecord& r);
  void Add(const ingest::OpRecord& r);
  void Add(const ingest::AeRecord& r);

  // Where numbering patient `p` will look first (null for no patient), for
  // a caller to prefetch (see BatchBuilderImpl::AddAll).
  const void* PatientSlot(const ingest::Pseudonym& p) const {
    return p.present ? patients_.FirstSlot(p.bytes.data()) : nullptr;
  }
  // The dictionary id `code` has now, 0 when absent or new (no code is added).
  template <size_t N>
  uint32_t FindId(Dimension d, const ShortCode<N>& code) const {
    const uint64_t packed = code.key() << (8 * (8 - N));
    return packed == 0 ? 0 : dicts_[d].FindPacked(packed);
  }

  ingest::ExtractKind kind() const { return columns_.kind; }
  const Status& status() const { return status_; }
  const BatchColumns& columns() const { return columns_; }
  BatchColumns& columns() { return columns_; }
  const CodeDictionaries& dictionaries() const { return dicts_; }
  // Ids at or above this were added by this encoder.
  uint32_t base_size(Dimension d) const { return base_size_[static_cast<size_t>(d)]; }

 private:
  void AddCommon(const ingest::PatientFields& p, std::string_view record_id, CommonColumns& t);
  // Inline: about ten lookups a row, nearly all of codes already known.
  uint32_t Id(Dimension d, std::string_view code) {
    uint32_t id = dicts_[d].Find(code);
    if (id != 0 || code.empty()) [[likely]] return id;
    return AddCode(d, code);
  }
  // The same for the fixed-width code types, whose zero-padded characters
  // pack without measuring the string.
  template <size_t N>
  uint32_t Id(Dimension d, const ShortCode<N>& code) {
    const uint64_t packed = code.key() << (8 * (8 - N));  // == PackCode(code.view())
    if (packed == 0) return 0;
    uint32_t id = dicts_[d].FindPacked(packed);
    if (id != 0) [[likely]] return id;
    return AddCode(d, code.view());
  }
  uint32_t AddCode(Dimension d, std::string_view code);
  template <typename Code>
  uint16_t Id16(Dimension d, const Code& code) { return static_cast<uint16_t>(Id(d, code)); }
  template <typename Code>
  uint8_t Id8(Dimension d, const Code& code) { return static_cast<uint8_t>(Id(d, code)); }
  uint16_t Days16(int32_t days, const char* what);
  int32_t Minutes32(int64_t minutes, const char* what);
  uint32_t PatientNumber(const ingest::Pseudonym& p);
  void Fail(std::string why);

  BatchColumns columns_;
  CodeDictionaries dicts_;
  std::array<uint32_t, kDimensionCount> base_size_{};
  PseudonymTable patients_;
  Status status_;
};

// ASCII code character as stored: ' ' (absent in records) becomes 0.
inline uint8_t CodeChar(char c) { return c == ' ' ? 0 : static_cast<uint8_t>(c); }

}  // namespace csu::store
