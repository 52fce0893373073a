// The CSU's service catalogue: services and packages, each a history of
// versions (price and terms in force from the first day of a month). Rules:
// docs/billing.md; file format: docs/formats/catalogue-v1.md.
//
//   CSU_ASSIGN_OR_RETURN(versions, ReadCatalogueFile(path));
//   Catalogue cat(versions);                     // checked, sorted
//   const ItemVersion* v = cat.InForce("FULL", Date::FromYmd(2018, 6, 1));
//
// Values only; a Catalogue is immutable after construction and safe to read
// from many threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/money.h"
#include "core/result.h"

namespace csu::billing {

enum class ItemKind : uint8_t { kService, kPackage };
enum class Unit : uint8_t { kPerHeadYear, kPerUserMonth, kPerUse, kFixedYear, kFixedMonth };
enum class Vat : uint8_t { kStandard, kZero, kExempt };

std::string_view KindName(ItemKind k);
std::string_view UnitName(Unit u);
std::string_view VatName(Vat v);
std::optional<ItemKind> ParseKind(std::string_view s);
std::optional<Unit> ParseUnit(std::string_view s);
std::optional<Vat> ParseVat(std::string_view s);

// The service functions of docs/formats/catalogue-v1.md, and the meters.
const std::vector<std::string_view>& Functions();
// Meters the platform counts itself (active_users, reports_run, ...).
const std::vector<std::string_view>& PlatformMeters();
// Meters recorded from the CSU's other systems with a reference (payslips, ...).
const std::vector<std::string_view>& RecordedMeters();
bool IsMeter(std::string_view name);
bool IsRecordedMeter(std::string_view name);

// One version of a service or package.
struct ItemVersion {
  ItemKind kind = ItemKind::kService;
  std::string code;
  std::string name;
  std::string function;  // services only
  Unit unit = Unit::kPerHeadYear;
  Money price;          // per unit (per `per` uses for kPerUse)
  int64_t per = 1;      // kPerUse: the number of uses `price` is for
  std::string meter;    // kPerUse, kPerUserMonth
  Vat vat = Vat::kStandard;
  Date effective_from;  // first day of a month
  std::vector<std::string> includes;  // packages: service codes
  std::string description;

  bool operator==(const ItemVersion&) const = default;
};

// Reads a catalogue file. All-or-nothing: the first problem is an Error with
// where = "file:line". Checks every rule of the format that one file can
// check (codes, units, meters, packages' contents, duplicate versions).
// A package must include only codes the file lists: `held`, when given,
// says who holds a code the file leaves out ("BI-CORE is in the stored
// catalogue and held by subscription 2 (…)", or "" for nobody), so that the
// refusal can name them and say what to do.
Result<std::vector<ItemVersion>> ReadCatalogueFile(
    const std::string& path, const std::function<std::string(const std::string& code)>& held = {});

// Checks a whole set of versions for the rules across versions (duplicate
// code × date, a kind that changes, packages including unknown codes or
// packages). `where` prefixes messages. Used on a file and on the stored
// catalogue merged with a file.
Status CheckCatalogue(const std::vector<ItemVersion>& versions, const std::string& where);

// The rules one version keeps whatever it came from (a file or the price
// form): a valid code, a price from £0 to £100 million, per 1–1,000,000,
// effective from the first of a month. Errors name the code and date.
Status ValidateVersion(const ItemVersion& v);

class Catalogue {
 public:
  Catalogue() = default;
  // `versions` should have passed CheckCatalogue.
  explicit Catalogue(std::vector<ItemVersion> versions);

  // The version of `code` in force on `day` (latest effective_from <= day),
  // or nullptr when the code is unknown or not yet in force.
  const ItemVersion* InForce(std::string_view code, Date day) const;
  // Every version of `code`, oldest first (empty when unknown).
  const std::vector<ItemVersion>& History(std::string_view code) const;
  // Codes, sorted.
  std::vector<std::string> Codes() const;
  bool empty() const { return by_code_.empty(); }

 private:
  std::map<std::string, std::vector<ItemVersion>, std::less<>> by_code_;
};

}  // namespace csu::billing
