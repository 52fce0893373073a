// Publication in the Open Contracting Data Standard 1.1 (schemas in
// data/ocds, rules in docs/procurement.md "Publication"): one release per
// stage (planning, tender, award, contract), release packages, and a record
// package whose record embeds every release and the compiled release.
// Pure: the CLI gathers the stored facts, builds a release here, stores it
// (immutable) and writes the packages.
//
//   OcdsPublisher pub{"ocds-xxxxxx", "NHS Example CSU", ...};  // the CSU's registered prefix
//   nlohmann::json r = TenderRelease(pub, facts, 1, "2025-06-01T09:00:00Z");
//   nlohmann::json pkg = ReleasePackage(pub, {r}, published_at);
//   nlohmann::json rec = RecordPackage(pub, {r1, r2}, published_at);
//
// The ocid is the publisher's prefix, a hyphen and the tender id. An OCDS
// prefix is registered with the Open Contracting Partnership; kTestOcidPrefix
// is for tests and demonstrations only and says so.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "procurement/procurement_store.h"

namespace csu::procurement {

// Not a registered prefix: for tests and demonstrations only.
inline constexpr const char* kTestOcidPrefix = "ocds-test00";

struct OcdsPublisher {
  std::string prefix = kTestOcidPrefix;
  std::string name;     // the CSU
  std::string uri;      // base URI where packages are published (may be empty)
};

// Everything a release may say about one procurement.
struct OcdsFacts {
  std::string ccg;        // ODS code of the buyer
  std::string ccg_name;
  PlanLine plan;
  Tender tender;
  std::vector<Lot> lots;
  std::vector<Document> documents;
  std::vector<StoredBid> bids;
  std::optional<Award> award;
  std::optional<Date> contract_signed;
};

std::string Ocid(const OcdsPublisher& pub, const std::string& tender_id);

// The stored facts of one of `ccg`'s tenders (another CCG's is "not found"),
// read from the procurement database on either engine.
Result<OcdsFacts> GatherOcdsFacts(ProcurementStore& db, const std::string& ccg, const std::string& tender);

// One release of a stage; `seq` numbers releases of the same stage (a later
// one supersedes an earlier), `date` is the release date (ISO 8601 UTC).
// Errors: the stage's facts are missing (no award for "award", no signed
// contract for "contract"), or an unknown stage.
Result<nlohmann::json> BuildRelease(const OcdsPublisher& pub, const OcdsFacts& facts, const std::string& stage,
                                    int64_t seq, const std::string& date);

nlohmann::json ReleasePackage(const OcdsPublisher& pub, const std::vector<nlohmann::json>& releases,
                              const std::string& published_at);

// Merges releases (in date order) by the OCDS merge rules: objects merge
// field by field, arrays of objects with "id" merge item by id, other
// values are replaced by the later release's.
nlohmann::json CompileRelease(const std::vector<nlohmann::json>& releases);

// A record package with one record per ocid among `releases`.
nlohmann::json RecordPackage(const OcdsPublisher& pub, const std::vector<nlohmann::json>& releases,
                             const std::string& published_at);

}  // namespace csu::procurement
