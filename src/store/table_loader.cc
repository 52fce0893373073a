#include "store/table_loader.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "store/column_file.h"
#include "store/key_set.h"

namespace csu::store {
namespace {

using ingest::ExtractKind;

std::optional<Dimension> DimensionOfColumn(std::string_view name) {
  static constexpr std::pair<std::string_view, Dimension> kMap[] = {
      {"practice", Dimension::kPractice},
      {"commissioner", Dimension::kCommissioner},
      {"provider", Dimension::kProvider},
      {"treatment_function", Dimension::kTreatmentFunction},
      {"hrg", Dimension::kHrg},
      {"diagnosis", Dimension::kDiagnosis},
      {"procedure", Dimension::kProcedure},
      {"specialised_service", Dimension::kSpecialisedService},
      {"admission_method", Dimension::kAdmissionMethod},
      {"department_type", Dimension::kDepartmentType},
      {"disposal", Dimension::kDisposal},
  };
  for (const auto& [n, d] : kMap) {
    if (n == name) return d;
  }
  return std::nullopt;
}

// Gives each distinct pseudonym one number across all loaded batches.
class PatientMerger {
 public:
  explicit PatientMerger(PatientIndex& index) : index_(index) {
    // The index may already hold patients from another kind (LoadAll).
    Resize(std::max<size_t>(1024, index_.size() * 2));
    for (uint32_t n = 1; n < index_.size(); ++n) Place(n);
  }

  uint32_t Number(const uint8_t* key) {
    size_t i = Hash(key) & mask_;
    for (;; i = (i + 1) & mask_) {
      uint32_t n = slots_[i];
      if (n == 0) break;
      if (std::memcmp(index_.pseudonyms[n].data(), key, 32) == 0) return n;
    }
    uint32_t n = static_cast<uint32_t>(index_.size());
    index_.pseudonyms.emplace_back();
    std::memcpy(index_.pseudonyms.back().data(), key, 32);
    slots_[i] = n;
    if (size_t{n} * 2 > slots_.size()) {
      Resize(slots_.size() * 2);
      for (uint32_t m = 1; m <= n; ++m) Place(m);
    }
    return n;
  }

 private:
  static size_t Hash(const uint8_t* key) {
    uint64_t h;
    std::memcpy(&h, key, 8);  // HMAC output: uniform already
    return static_cast<size_t>(h);
  }
  void Resize(size_t n) {
    size_t p = 1;
    while (p < n) p *= 2;
    slots_.assign(p, 0);
    mask_ = p - 1;
  }
  void Place(uint32_t n) {
    size_t i = Hash(index_.pseudonyms[n].data()) & mask_;
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = n;
  }

  PatientIndex& index_;
  std::vector<uint32_t> slots_;
  size_t mask_ = 0;
};

std::string RebuildHint(const BatchRecord& b) {
  return "; `csu store verify` lists problems and `csu store rebuild " + std::to_string(b.info.id) +
         "` rewrites it from the batch's retained rows";
}

// Calls f(dst_column, src_column) for each row column of two tables of the
// same type (ForEachRowColumn visits both in the same order).
template <typename Table, typename F>
void ZipRowColumns(Table& dst, const Table& src, F&& f) {
  std::vector<void*> dst_columns;
  ForEachRowColumn(dst, [&](const char*, auto& column) { dst_columns.push_back(&column); });
  size_t k = 0;
  ForEachRowColumn(src, [&](const char*, const auto& column) {
    using Column = std::decay_t<decltype(column)>;
    f(*static_cast<Column*>(dst_columns[k++]), column);
  });
}

template <typename Table>
Status CheckDictionaryIds(const Table& t, const std::vector<uint16_t>& unbundled_hrg, const CodeDictionaries& codes,
                          const std::string& path) {
  Status st;
  auto check = [&](const char* name, const auto& column) {
    std::optional<Dimension> d = DimensionOfColumn(name);
    if (!d || !st.ok() || column.empty()) return;
    uint32_t max = *std::max_element(column.begin(), column.end());
    if (max >= codes[*d].size()) {
      st = MakeError(path, std::string("column file damaged: column ") + name + " holds id " + std::to_string(max) +
                               ", beyond the " + std::string(DimensionName(*d)) + " dictionary");
    }
  };
  ForEachRowColumn(t, check);
  check("hrg", unbundled_hrg);
  return st;
}

// Appends the kept rows of one batch to `dst`.
template <typename Table>
void AppendRows(Table& dst, BatchColumns& batch, Table& src, const std::vector<uint8_t>& keep, size_t kept,
                PatientMerger& patients, int64_t batch_id) {
  const size_t first = dst.size();
  const size_t rows = src.size();
  ZipRowColumns(dst, src, [&](auto& d, const auto& s) {
    if (kept == rows) {
      d.insert(d.end(), s.begin(), s.end());
    } else {
      for (size_t r = 0; r < rows; ++r) {
        if (keep[r]) d.push_back(s[r]);
      }
    }
  });
  // Batch-local patient numbers -> load-wide ones.
  std::vector<uint32_t> remap(batch.patients() + 1, 0);
  for (size_t p = 1; p <= batch.patients(); ++p) remap[p] = patients.Number(batch.patient_keys.data() + (p - 1) * 32);
  for (size_t i = first; i < dst.size(); ++i) dst.patient[i] = remap[dst.patient[i]];
  for (size_t r = 0; r < rows; ++r) {
    if (keep[r]) dst.source_row.push_back(static_cast<uint32_t>(r));
  }
  dst.batches.push_back(BatchRange{batch_id, static_cast<uint32_t>(first), static_cast<uint32_t>(kept)});
  if constexpr (std::is_same_v<Table, ApcTable>) {
    // Table row of each kept batch row, for the sparse unbundled pairs.
    std::vector<uint32_t> table_row(rows);
    uint32_t next = static_cast<uint32_t>(first);
    for (size_t r = 0; r < rows; ++r) table_row[r] = keep[r] ? next++ : UINT32_MAX;
    for (size_t k = 0; k < src.unbundled_row.size(); ++k) {
      uint32_t r = src.unbundled_row[k];
      if (!keep[r]) continue;
      dst.unbundled_row.push_back(table_row[r]);
      dst.unbundled_hrg.push_back(src.unbundled_hrg[k]);
    }
  }
}

template <typename Table>
void Reserve(Table& t, size_t rows) {
  ForEachRowColumn(t, [&](const char*, auto& column) { column.reserve(column.size() + rows); });
  t.source_row.reserve(t.source_row.size() + rows);
}

template <typename Table>
Status LoadInto(Table& dst, Env& env, const std::string& dir, const std::vector<BatchRecord>& batches,
                ActivityTables& out) {
  // Pass 1: read and check every file, and decide which rows survive. Later
  // batches win, and within a batch later rows win, so walk backwards.
  std::vector<std::string> files(batches.size());
  std::vector<std::vector<uint8_t>> keep(batches.size());
  std::vector<size_t> kept(batches.size(), 0);
  size_t total_rows = 0;
  for (size_t b = 0; b < batches.size(); ++b) {
    CSU_ASSIGN_OR_RETURN(bytes, ReadColumnFile(env, dir, batches[b]));
    files[b] = std::move(bytes);
    total_rows += static_cast<size_t>(batches[b].info.rows_accepted);
  }
  KeySet seen(total_rows);
  size_t total_kept = 0;
  for (size_t b = batches.size(); b-- > 0;) {
    const std::string path = dir + "/" + batches[b].cols_file;
    CSU_ASSIGN_OR_RETURN(reader, ColumnFileReader::Open(files[b], path, std::nullopt, /*checksum=*/false));
    std::vector<uint16_t> provider;
    std::vector<uint32_t> offsets;
    std::vector<uint8_t> ids;
    if (Status s = DecodeKeys(reader, provider, offsets, ids); !s.ok()) return s;
    keep[b].assign(provider.size(), 0);
    for (size_t r = provider.size(); r-- > 0;) {
      std::string_view id(reinterpret_cast<const char*>(ids.data()) + offsets[r], offsets[r + 1] - offsets[r]);
      if (seen.Insert(provider[r], id)) {
        keep[b][r] = 1;
        ++kept[b];
      }
    }
    total_kept += kept[b];
  }
  // Pass 2: decode every column and append the survivors.
  Reserve(dst, total_kept);
  PatientMerger patients(out.patients);
  for (size_t b = 0; b < batches.size(); ++b) {
    const std::string path = dir + "/" + batches[b].cols_file;
    CSU_ASSIGN_OR_RETURN(reader, ColumnFileReader::Open(files[b], path, std::nullopt, /*checksum=*/false));
    CSU_ASSIGN_OR_RETURN(columns, DecodeBatchColumns(reader));
    Table* src = nullptr;
    if constexpr (std::is_same_v<Table, ApcTable>) src = &columns.apc;
    if constexpr (std::is_same_v<Table, OpTable>) src = &columns.op;
    if constexpr (std::is_same_v<Table, AeTable>) src = &columns.ae;
    if (reader.kind() != columns.kind || src->size() != keep[b].size()) {
      return MakeError(path, "column file damaged: it is not the batch's kind or size");
    }
    if (Status s = CheckDictionaryIds(*src, columns.apc.unbundled_hrg, out.codes, path); !s.ok()) return s;
    AppendRows(dst, columns, *src, keep[b], kept[b], patients, batches[b].info.id);
    std::string().swap(files[b]);  // release the file as soon as it is decoded
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> ReadColumnFile(Env& env, const std::string& batches_dir, const BatchRecord& batch) {
  const std::string path = batches_dir + "/" + batch.cols_file;
  auto bytes = env.ReadFile(path);
  if (!bytes.ok()) {
    Error e = bytes.error();
    e.why += RebuildHint(batch);
    return e;
  }
  auto reader = ColumnFileReader::Open(bytes.value(), path, batch.cols_sha256);
  if (!reader.ok()) {
    Error e = reader.error();
    e.why += RebuildHint(batch);
    return e;
  }
  if (reader.value().rows() != static_cast<uint64_t>(batch.info.rows_accepted) ||
      reader.value().kind() != batch.info.kind) {
    return MakeError(path, "column file does not match its catalog row (kind or row count)" + RebuildHint(batch));
  }
  return std::move(bytes).value();
}

Status LoadKind(Env& env, const std::string& batches_dir, ExtractKind kind, const std::vector<BatchRecord>& batches,
                ActivityTables& out) {
  switch (kind) {
    case ExtractKind::kApc: return LoadInto(out.apc, env, batches_dir, batches, out);
    case ExtractKind::kOp: return LoadInto(out.op, env, batches_dir, batches, out);
    case ExtractKind::kAe: return LoadInto(out.ae, env, batches_dir, batches, out);
  }
  return Status::Ok();
}

}  // namespace csu::store
