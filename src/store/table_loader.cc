#include "store/table_loader.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "store/key_set.h"
#include "store/memory.h"
#include "store/pseudonym_table.h"

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

std::string RebuildHint(const BatchRecord& b) {
  return "; `csu store verify` lists problems and `csu store rebuild " + std::to_string(b.info.id) +
         "` rewrites it from the batch's retained rows";
}

// Gives each distinct pseudonym one number across all loaded batches.
class PatientMerger {
 public:
  // Sized for `expected_new` more patients, so it never rehashes.
  PatientMerger(PatientIndex& index, size_t expected_new) : index_(index), table_(index.size() + expected_new) {
    ReserveHuge(index_.pseudonyms, index_.size() + expected_new);
    // The index may already hold another kind's patients (LoadAll).
    for (uint32_t n = 1; n < index_.size(); ++n) {
      size_t slot = 0;
      table_.Find(index_.pseudonyms[n].data(), KeyAt(), slot);
      table_.Insert(slot, index_.pseudonyms[n].data(), n, KeyAt());
    }
  }

  uint32_t Number(const uint8_t* key) {
    size_t slot = 0;
    if (uint32_t n = table_.Find(key, KeyAt(), slot)) return n;
    std::array<uint8_t, 32> pseudonym;
    std::memcpy(pseudonym.data(), key, 32);
    Push(index_.pseudonyms, pseudonym);
    uint32_t n = static_cast<uint32_t>(index_.size() - 1);
    table_.Insert(slot, key, n, KeyAt());
    return n;
  }

 private:
  struct KeyOf {
    const PatientIndex* index;
    const uint8_t* operator()(uint32_t n) const { return index->pseudonyms[n].data(); }
  };
  KeyOf KeyAt() const { return KeyOf{&index_}; }

  PatientIndex& index_;
  PseudonymTable table_;
};

// Every dictionary id in rows [first, end) of `t` (and in `extra_hrg` and
// `extra_diagnosis`, a batch's sparse pairs) must name a code: analytics
// index arrays by them.
template <typename Table>
Status CheckDictionaryIds(const Table& t, size_t first, const std::vector<uint16_t>& extra_hrg,
                          const std::vector<uint16_t>& extra_diagnosis, const CodeDictionaries& codes,
                          const std::string& path) {
  Status st;
  auto check = [&](const char* name, auto begin, auto end) {
    std::optional<Dimension> d = DimensionOfColumn(name);
    if (!d || !st.ok() || begin == end) return;
    uint32_t max = *std::max_element(begin, end);
    if (max >= codes[*d].size()) {
      st = MakeError(path, std::string("column file damaged: column ") + name + " holds id " + std::to_string(max) +
                               ", beyond the " + std::string(DimensionName(*d)) + " dictionary");
    }
  };
  ForEachRowColumn(t, [&](const char* name, const auto& column) {
    check(name, column.begin() + static_cast<std::ptrdiff_t>(first), column.end());
  });
  check("hrg", extra_hrg.begin(), extra_hrg.end());
  check("diagnosis", extra_diagnosis.begin(), extra_diagnosis.end());
  return st;
}

// Appends a batch's sparse (row, id) pair to the table's, keeping only the
// pairs of kept rows and renumbering batch rows to table rows (`first` plus
// the kept rows before it). `what` names the pair in an error.
Status MergeSparse(const std::vector<uint32_t>& batch_rows, const std::vector<uint16_t>& batch_ids, size_t rows,
                   const std::vector<uint8_t>& keep, bool all, size_t first, std::vector<uint32_t>& dst_rows,
                   std::vector<uint16_t>& dst_ids, const std::string& path, const char* what) {
  uint32_t next = static_cast<uint32_t>(first);
  size_t k = 0;
  for (size_t i = 0; i < rows && k < batch_rows.size(); ++i) {
    bool kept_row = all || keep[i];
    for (; k < batch_rows.size() && batch_rows[k] == i; ++k) {
      if (!kept_row) continue;
      Push(dst_rows, next);
      Push(dst_ids, batch_ids[k]);
    }
    if (kept_row) ++next;
  }
  if (k != batch_rows.size()) return MakeError(path, std::string("column file damaged: ") + what + " rows out of order");
  return Status::Ok();
}

// Marks, for batches[0..last], which rows survive: later batches win, and
// within a batch later rows win, so walk backwards from the end.
Status MarkSuperseded(const std::vector<OpenedColumnFile>& files, size_t last, std::vector<std::vector<uint8_t>>& keep,
                      std::vector<size_t>& kept) {
  size_t keys = 0, id_bytes = 0;
  for (size_t b = 0; b <= last; ++b) {
    keys += files[b].reader.rows();
    auto bytes = files[b].reader.Count<uint8_t>("record_id_bytes", -1);
    if (!bytes.ok()) return bytes.error();
    id_bytes += bytes.value();
  }
  KeySet seen(keys, id_bytes);
  std::vector<uint16_t> provider;
  std::vector<uint32_t> offsets;
  std::vector<uint8_t> ids;
  for (size_t b = last + 1; b-- > 0;) {
    if (Status s = DecodeKeys(files[b].reader, provider, offsets, ids); !s.ok()) return s;
    keep[b].assign(provider.size(), 0);
    kept[b] = 0;
    for (size_t r = provider.size(); r-- > 0;) {
      std::string_view id(reinterpret_cast<const char*>(ids.data()) + offsets[r], offsets[r + 1] - offsets[r]);
      if (seen.Insert(provider[r], id)) {
        keep[b][r] = 1;
        ++kept[b];
      }
    }
  }
  return Status::Ok();
}

template <typename Table>
Status LoadInto(Table& dst, Env& env, const std::string& dir, const std::vector<BatchRecord>& batches,
                ActivityTables& out, const std::vector<uint8_t>* only) {
  std::vector<OpenedColumnFile> files;
  for (const BatchRecord& b : batches) {
    CSU_ASSIGN_OR_RETURN(file, OpenColumnFile(env, dir, b));
    files.push_back(std::move(file));
  }
  // Rows a batch supersedes are at most the records it restated at ingest
  // (the batches before it can only have shrunk since), so batches after
  // the last one that restated anything supersede nothing and need no keys.
  std::vector<std::vector<uint8_t>> keep(batches.size());  // empty: keep all
  std::vector<size_t> kept(batches.size());
  std::optional<size_t> last_restating;
  for (size_t b = 0; b < batches.size(); ++b) {
    kept[b] = files[b].reader.rows();
    if (batches[b].info.records_restated > 0) last_restating = b;
  }
  if (last_restating) {
    if (Status s = MarkSuperseded(files, *last_restating, keep, kept); !s.ok()) return s;
  }
  // A node's share (LoadShare): after superseding, so the current version
  // of a record decides which commissioner it belongs to.
  if (only != nullptr) {
    std::vector<uint16_t> commissioner;
    for (size_t b = 0; b < batches.size(); ++b) {
      const size_t rows = files[b].reader.rows();
      commissioner.resize(rows);
      if (Status s = files[b].reader.ReadInto<uint16_t>("commissioner", rows, commissioner.data()); !s.ok()) return s;
      if (keep[b].empty()) keep[b].assign(rows, 1);
      size_t n = 0;
      for (size_t i = 0; i < rows; ++i) {
        const uint16_t id = commissioner[i];
        if (keep[b][i] && !(id < only->size() && (*only)[id])) keep[b][i] = 0;
        n += keep[b][i];
      }
      kept[b] = n;
    }
  }

  size_t total_kept = 0, patients = 0;
  for (size_t b = 0; b < batches.size(); ++b) {
    total_kept += kept[b];
    auto keys = files[b].reader.Count<uint8_t>("patient_keys", -1);
    if (!keys.ok()) return keys.error();
    patients += keys.value() / 32;
  }
  const size_t base = dst.size();
  ForEachRowColumn(dst, [&](const char*, auto& column) { ReserveHuge(column, base + total_kept); });
  PatientMerger merger(out.patients, patients);

  std::vector<uint64_t> scratch;  // one column of one partly superseded batch
  std::vector<uint8_t> patient_keys;
  std::vector<uint32_t> remap;
  std::vector<uint32_t> unbundled_row, secondary_row;
  std::vector<uint16_t> unbundled_hrg, secondary_id;
  for (size_t b = 0; b < batches.size(); ++b) {
    const ColumnFileReader& r = files[b].reader;
    const size_t rows = r.rows();
    const size_t first = dst.size();
    const bool all = keep[b].empty() || kept[b] == rows;
    Status st;
    ForEachRowColumn(dst, [&](const char* name, auto& column) {
      using T = typename std::decay_t<decltype(column)>::value_type;
      if (!st.ok()) return;
      if (all) {
        column.resize(first + rows);
        st = r.ReadInto<T>(name, rows, column.data() + first);
        return;
      }
      scratch.resize((rows * sizeof(T) + 7) / 8);
      T* values = reinterpret_cast<T*>(scratch.data());
      st = r.ReadInto<T>(name, rows, values);
      for (size_t i = 0; i < rows && st.ok(); ++i) {
        if (keep[b][i]) column.push_back(values[i]);
      }
    });
    if (!st.ok()) return st;
    // Batch-local patient numbers -> load-wide ones.
    if (Status s = r.Read("patient_keys", -1, patient_keys); !s.ok()) return s;
    const uint32_t local_patients = static_cast<uint32_t>(patient_keys.size() / 32);
    remap.assign(local_patients + 1, 0);
    for (uint32_t p = 1; p <= local_patients; ++p) remap[p] = merger.Number(patient_keys.data() + size_t{p - 1} * 32);
    for (size_t i = first; i < dst.size(); ++i) {
      if (dst.patient[i] > local_patients) return MakeError(r.path(), "column file damaged: a patient has no pseudonym");
      dst.patient[i] = remap[dst.patient[i]];
    }
    for (size_t i = 0; i < rows; ++i) {
      if (all || keep[b][i]) dst.source_row.push_back(static_cast<uint32_t>(i));
    }
    unbundled_hrg.clear();
    secondary_id.clear();
    if constexpr (std::is_same_v<Table, ApcTable>) {
      if (Status s = r.Read("unbundled_row", -1, unbundled_row); !s.ok()) return s;
      if (Status s = r.Read("unbundled_hrg", static_cast<int64_t>(unbundled_row.size()), unbundled_hrg); !s.ok()) {
        return s;
      }
      if (Status s = MergeSparse(unbundled_row, unbundled_hrg, rows, keep[b], all, first, dst.unbundled_row,
                                 dst.unbundled_hrg, r.path(), "unbundled");
          !s.ok()) {
        return s;
      }
      // Column files written before secondary diagnoses were kept have none.
      if (Status s = ReadSecondaryDiagnoses(r, secondary_row, secondary_id); !s.ok()) return s;
      if (Status s = MergeSparse(secondary_row, secondary_id, rows, keep[b], all, first, dst.secondary_diagnosis_row,
                                 dst.secondary_diagnosis, r.path(), "secondary diagnosis");
          !s.ok()) {
        return s;
      }
    }
    if (Status s = CheckDictionaryIds(dst, first, unbundled_hrg, secondary_id, out.codes, r.path()); !s.ok()) return s;
    dst.batches.push_back(BatchRange{batches[b].info.id, static_cast<uint32_t>(first),
                                     static_cast<uint32_t>(dst.size() - first)});
    files[b].file.reset();  // unmap as soon as it is decoded
  }
  IndexByCommissioner(dst);
  IndexDays(dst);
  if constexpr (std::is_same_v<Table, ApcTable>) SparsifyStayDays(dst);
  return Status::Ok();
}

}  // namespace

Result<OpenedColumnFile> OpenColumnFile(Env& env, const std::string& batches_dir, const BatchRecord& batch) {
  const std::string path = batches_dir + "/" + batch.cols_file;
  auto mapped = env.MapFile(path);
  if (!mapped.ok()) {
    Error e = mapped.error();
    e.why += RebuildHint(batch);
    return e;
  }
  std::unique_ptr<MappedFile> file = std::move(mapped).value();
  auto reader = ColumnFileReader::Open(file->data(), path, batch.cols_sha256);
  if (!reader.ok()) {
    Error e = reader.error();
    e.why += RebuildHint(batch);
    return e;
  }
  if (reader.value().rows() != static_cast<uint64_t>(batch.info.rows_accepted) ||
      reader.value().kind() != batch.info.kind) {
    return MakeError(path, "column file does not match its catalog row (kind or row count)" + RebuildHint(batch));
  }
  return OpenedColumnFile{std::move(file), std::move(reader).value()};
}

Status LoadKind(Env& env, const std::string& batches_dir, ExtractKind kind, const std::vector<BatchRecord>& batches,
                ActivityTables& out, const std::vector<uint8_t>* only) {
  switch (kind) {
    case ExtractKind::kApc: return LoadInto(out.apc, env, batches_dir, batches, out, only);
    case ExtractKind::kOp: return LoadInto(out.op, env, batches_dir, batches, out, only);
    case ExtractKind::kAe: return LoadInto(out.ae, env, batches_dir, batches, out, only);
  }
  return Status::Ok();
}

}  // namespace csu::store
