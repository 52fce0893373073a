// In-memory column tables of loaded activity: one plain std::vector per
// column, all of a table's row columns the same length, rows in batch commit
// order then file order, with records superseded by a restatement already
// left out. Two columns are held otherwise once loaded, to keep a loaded
// record within its 48 bytes (docs/architecture.md): source_row as runs
// (SourceRows) and an APC table's stay days sparse (ApcTable). These feed pricing and analytics, so they are built to be scanned:
// dense integer ids (group-by on an array), dates as days, no strings.
//
//   const ApcTable& apc = tables.apc;
//   for (size_t i = 0; i < apc.size(); ++i)
//     spells_by_hrg[apc.hrg[i]]++;                  // hrg id -> count
//   tables.codes.hrg().code(id)                      // id -> "EB03E"
//
// Conventions: dictionary ids index `codes` (0 = absent); single-character
// codes hold the ASCII character ('1', '2', ...; 0 = absent); patient 0 is a
// record without an NHS number. The tables are immutable once loaded and may
// be read from any number of threads.
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

#include "store/code_list.h"
#include "store/source_rows.h"

namespace csu::store {

// The table rows [first_row, first_row + rows) came from batch `batch_id`.
struct BatchRange {
  int64_t batch_id = 0;
  uint32_t first_row = 0;
  uint32_t rows = 0;
};

// Pseudonyms of the patients of one load; a table's `patient` column indexes
// it. Index 0 is the unknown patient (all-zero pseudonym). Numbers are
// stable within one load only.
struct PatientIndex {
  std::vector<std::array<uint8_t, 32>> pseudonyms = std::vector<std::array<uint8_t, 32>>(1);
  size_t size() const { return pseudonyms.size(); }
};

// Where each id of one dictionary column occurs, by blocks of kBlockRows
// rows: the blocks holding at least one row with id c are
// blocks[first[c]] .. blocks[first[c + 1] - 1], ascending. Built once at load
// (IndexByCommissioner) so that one CCG's figures read only the blocks that
// hold its rows, skipping the other rows of those blocks as a scan would.
// Records arrive grouped (an extract is one CCG's month), so a CCG's rows fill
// whole blocks and reading its blocks reads little else: about its own rows
// plus a block at each edge of each extract. It costs 4 bytes per block per
// id found in it: on grouped records ~0.005 bytes a record, and at most
// 4 x (ids in a block) / kBlockRows bytes a record however the records are
// mixed (0.8 for 200 CCGs all interleaved), so loaded tables stay within
// their bytes-a-record budget. Records of many CCGs interleaved row by row
// put every CCG in every block, and reading one CCG is then a whole scan,
// as without the index.
struct BlocksById {
  static constexpr uint32_t kBlockRows = 1024;
  std::vector<uint32_t> first;   // ids + 1 entries, or empty when not built
  std::vector<uint32_t> blocks;  // block numbers (row / kBlockRows)
  uint64_t rows = 0;             // rows of the table when built

  // The blocks holding id `id`, ascending; empty for an id the table lacks.
  std::span<const uint32_t> Of(uint16_t id) const {
    if (size_t{id} + 1 >= first.size()) return {};
    return {blocks.data() + first[id], blocks.data() + first[size_t{id} + 1]};
  }
  // Ids 0 .. ids() - 1 may have rows.
  size_t ids() const { return first.empty() ? 0 : first.size() - 1; }
  size_t bytes() const { return (first.size() + blocks.size()) * sizeof(uint32_t); }
};

// The least and greatest activity day (ActivityDay: the day a record
// counts in) of each block of BlocksById::kBlockRows rows, built at load
// (IndexDays). Records arrive by monthly extract, so nearly every block lies
// inside one month, and the activity cube then takes the whole block's
// month from these two numbers instead of reading its date column (4 of the
// 11 bytes a record the whole CSU's cube would read otherwise). 8 bytes a
// block: ~0.008 bytes a record.
struct DaysByBlock {
  std::vector<int32_t> least;     // per block
  std::vector<int32_t> greatest;  // per block
  uint64_t rows = 0;              // rows of the table when built

  size_t bytes() const { return (least.size() + greatest.size()) * sizeof(int32_t); }
};

// Columns every kind has.
struct CommonColumns {
  std::vector<uint32_t> patient;     // PatientIndex number; 0 = no NHS number
  std::vector<uint8_t> age_years;
  std::vector<uint8_t> sex;          // '0' '1' '2' '9'
  std::vector<uint16_t> practice;    // dictionary ids
  std::vector<uint16_t> commissioner;
  std::vector<uint16_t> provider;
  SourceRows source_row;             // the record's row in its batch's rows file (runs)
  std::vector<BatchRange> batches;
  // The blocks of each commissioner (IndexByCommissioner). Readers use it
  // only when it was built over the table as it is (indexed_by_commissioner),
  // and scan every row otherwise, so a table built by hand without it is
  // still read right.
  BlocksById by_commissioner;
  // Each block's least and greatest activity day (IndexDays); used only
  // when built over the table as it is (indexed_by_day), like the above.
  DaysByBlock days_by_block;

  size_t size() const { return patient.size(); }
  bool indexed_by_commissioner() const { return !by_commissioner.first.empty() && by_commissioner.rows == size(); }
  bool indexed_by_day() const {
    return days_by_block.rows == size() &&
           days_by_block.least.size() == (size() + BlocksById::kBlockRows - 1) / BlocksById::kBlockRows;
  }
};

// (Re)builds t.by_commissioner from t.commissioner. Called once when a table
// is loaded; whoever changes a loaded table's rows must call it again (the
// loaded tables are immutable, so nothing does).
void IndexByCommissioner(CommonColumns& t);

// A spell's days not paid by its HRG (pbr_los leaves them out:
// docs/pricing.md).
struct StayDays {
  uint16_t critical_care = 0;
  uint16_t rehabilitation = 0;
  uint16_t palliative_care = 0;
  int32_t Total() const { return int32_t{critical_care} + rehabilitation + palliative_care; }
  bool operator==(const StayDays&) const = default;
};

struct ApcTable : CommonColumns {
  std::vector<int32_t> admission_date;  // days since 1970-01-01
  std::vector<int32_t> discharge_date;
  std::vector<uint8_t> admission_method;        // dictionary id
  std::vector<uint8_t> patient_classification;  // '1'..'5'
  std::vector<uint16_t> treatment_function;     // dictionary ids
  std::vector<uint16_t> hrg;
  std::vector<uint16_t> diagnosis;              // 0 = none recorded
  std::vector<uint16_t> procedure;              // 0 = none recorded
  std::vector<uint8_t> discharge_method;        // '1'..'9', 0 = absent
  // Critical care, rehabilitation and palliative care days. A table being
  // built (a batch's columns, a test's table) holds them dense in these
  // three columns, as its column file does; a loaded table holds them
  // sparse in stay_days_row / stay_days (SparsifyStayDays, at load), since
  // few spells have any: 6 bytes a row become 10 bytes a spell that has
  // some. StayDaysAt reads either.
  std::vector<uint16_t> critical_care_days;
  std::vector<uint16_t> rehabilitation_days;
  std::vector<uint16_t> palliative_care_days;
  std::vector<uint16_t> specialised_service;    // 0 = none
  // Unbundled HRGs, sparse: entry k says table row unbundled_row[k] has the
  // unbundled HRG unbundled_hrg[k]; rows ascending, so a scan can merge.
  std::vector<uint32_t> unbundled_row;
  std::vector<uint16_t> unbundled_hrg;
  // Secondary diagnoses, sparse the same way: table row
  // secondary_diagnosis_row[k] has the diagnosis id secondary_diagnosis[k]
  // (the `diagnosis` dictionary, shared with the primary position); rows
  // ascending and, within a row, in position order. Most spells have a few,
  // many none, so this costs 6 bytes a code rather than 40 bytes a row for 20
  // positions.
  std::vector<uint32_t> secondary_diagnosis_row;
  std::vector<uint16_t> secondary_diagnosis;
  // The sparse stay days of a loaded table: table row stay_days_row[k] has
  // stay_days[k] (any non-zero), rows ascending; empty while dense.
  std::vector<uint32_t> stay_days_row;
  std::vector<StayDays> stay_days;

  // True while the stay days are in the three dense columns.
  bool dense_stay_days() const { return critical_care_days.size() == size(); }
  // Row `row`'s stay days, from whichever form the table holds.
  StayDays StayDaysAt(size_t row) const;
};

// Moves t's dense stay days into the sparse form and frees the dense
// columns (rows already sparse stay; rows ascend). Called once when a table
// is loaded.
void SparsifyStayDays(ApcTable& t);

struct OpTable : CommonColumns {
  std::vector<int32_t> appointment_date;  // days since 1970-01-01
  std::vector<uint8_t> first_attendance;  // '1'..'4'
  std::vector<uint8_t> attended;          // '2'..'7'
  std::vector<uint16_t> treatment_function;
  std::vector<uint8_t> multi_professional;  // 0 / 1
  std::vector<uint16_t> hrg;                // 0 = no procedure HRG
};

struct AeTable : CommonColumns {
  std::vector<int32_t> arrival;    // minutes since 1970-01-01T00:00, local time
  std::vector<int32_t> departure;
  std::vector<uint8_t> department_type;  // dictionary id ("01".."04")
  std::vector<uint8_t> arrival_mode;     // '1', '2', 0 = absent
  std::vector<uint8_t> disposal;         // dictionary id ("01".."14")
  std::vector<uint16_t> hrg;
};

// Everything Store::Load returns. Tables of kinds not asked for are empty.
struct ActivityTables {
  CodeDictionaries codes;
  PatientIndex patients;
  ApcTable apc;
  OpTable op;
  AeTable ae;
};

// The day a record counts in (days since 1970-01-01): a spell's discharge
// (payment by results pays a spell when it ends), an appointment's date,
// an attendance's arrival day (minutes / 1440, as the activity cube takes
// it; arrivals are never before 1970).
inline int32_t ActivityDay(const ApcTable& t, size_t row) { return t.discharge_date[row]; }
inline int32_t ActivityDay(const OpTable& t, size_t row) { return t.appointment_date[row]; }
inline int32_t ActivityDay(const AeTable& t, size_t row) { return t.arrival[row] / 1440; }

// (Re)builds t.days_by_block from the table's activity days. Called once
// when a table is loaded, beside IndexByCommissioner.
void IndexDays(ApcTable& t);
void IndexDays(OpTable& t);
void IndexDays(AeTable& t);

// Calls f(name, vector) for every column stored once per row in a column file
// (docs/store-format.md §4), in file order. Not included: source_row and
// batches (made at load), the sparse unbundled and secondary diagnosis pairs,
// the loaded table's sparse stay days, and the patient keys and
// record ids that only the file holds. In a loaded table the three stay-day
// columns are empty (see ApcTable).
template <typename T, typename F>
  requires std::same_as<std::remove_const_t<T>, CommonColumns> || std::derived_from<std::remove_const_t<T>, CommonColumns>
void ForEachCommonColumn(T& t, F&& f) {
  f("patient", t.patient);
  f("age", t.age_years);
  f("sex", t.sex);
  f("practice", t.practice);
  f("commissioner", t.commissioner);
  f("provider", t.provider);
}

template <typename T, typename F>
  requires std::same_as<std::remove_const_t<T>, ApcTable>
void ForEachRowColumn(T& t, F&& f) {
  ForEachCommonColumn(t, f);
  f("admission_date", t.admission_date);
  f("discharge_date", t.discharge_date);
  f("admission_method", t.admission_method);
  f("patient_classification", t.patient_classification);
  f("treatment_function", t.treatment_function);
  f("hrg", t.hrg);
  f("diagnosis", t.diagnosis);
  f("procedure", t.procedure);
  f("discharge_method", t.discharge_method);
  f("critical_care_days", t.critical_care_days);
  f("rehabilitation_days", t.rehabilitation_days);
  f("palliative_care_days", t.palliative_care_days);
  f("specialised_service", t.specialised_service);
}

template <typename T, typename F>
  requires std::same_as<std::remove_const_t<T>, OpTable>
void ForEachRowColumn(T& t, F&& f) {
  ForEachCommonColumn(t, f);
  f("appointment_date", t.appointment_date);
  f("first_attendance", t.first_attendance);
  f("attended", t.attended);
  f("treatment_function", t.treatment_function);
  f("multi_professional", t.multi_professional);
  f("hrg", t.hrg);
}

template <typename T, typename F>
  requires std::same_as<std::remove_const_t<T>, AeTable>
void ForEachRowColumn(T& t, F&& f) {
  ForEachCommonColumn(t, f);
  f("arrival", t.arrival);
  f("departure", t.departure);
  f("department_type", t.department_type);
  f("arrival_mode", t.arrival_mode);
  f("disposal", t.disposal);
  f("hrg", t.hrg);
}

// Bytes held by a table's columns (sizes, not capacities), for the
// bytes-per-row figure: row columns, source_row, the commissioner and day
// indexes, and for APC the sparse unbundled, secondary diagnosis and
// stay-day pairs.
size_t ColumnBytes(const ApcTable& t);
size_t ColumnBytes(const OpTable& t);
size_t ColumnBytes(const AeTable& t);

}  // namespace csu::store
