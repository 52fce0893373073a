// Invariant checks for the billing module's text parsers: the catalogue file
// (docs/formats/catalogue-v1.md), billing periods and percentages. Shared by
// fuzz/billing_text_fuzz.cc and src/billing/billing_fuzz_corpus_test.cc,
// which replays fuzz/corpus/billing in the default suite. Header-only, like
// fuzz_checks.h, and for the same reason.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "billing/catalogue.h"
#include "billing/percent.h"
#include "billing/period.h"

namespace csu::fuzz {

// Runs `data` through Period::Parse, ParsePercentBp and, after the catalogue
// header, ReadCatalogueFile. Returns "" when every invariant held.
inline std::string CheckBillingText(std::string_view data) {
  // A period that parses formats back to the same text.
  if (auto p = billing::Period::Parse(data); p.ok()) {
    if (p.value().ToString() != data) return "period did not format back to its text";
    if (p.value().month() < 1 || p.value().month() > 12) return "period month out of range";
    if (p.value().AddMonths(13).AddMonths(-13) != p.value()) return "period month arithmetic does not invert";
  }
  // A percentage formats back to text that parses to the same basis points.
  if (auto bp = billing::ParsePercentBp(data)) {
    auto again = billing::ParsePercentBp(billing::PercentText(*bp));
    if (!again || *again != *bp) return "percentage did not survive formatting: " + billing::PercentText(*bp);
  }
  // The catalogue reader: an Error naming the file, or versions that keep
  // every rule of the format.
  const std::string path = "/tmp/csu-fuzz-catalogue-" + std::to_string(::getpid()) + ".csv";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return "";  // no scratch file: nothing to check
  const std::string header = "kind,code,name,function,unit,price,per,meter,vat,effective_from,includes,description\n";
  std::fwrite(header.data(), 1, header.size(), f);
  std::fwrite(data.data(), 1, data.size(), f);
  std::fclose(f);
  auto versions = billing::ReadCatalogueFile(path);
  std::remove(path.c_str());
  if (!versions.ok()) {
    if (versions.error().where.rfind("csu-fuzz-catalogue-", 0) != 0) return "error does not name the file";
    if (versions.error().why.empty()) return "error without a reason";
    return "";
  }
  for (const billing::ItemVersion& v : versions.value()) {
    if (v.code.size() < 2 || v.code.size() > 24) return "accepted a bad code";
    if (v.price.pence() < 0) return "accepted a negative price";
    if (v.per < 1) return "accepted per < 1";
    if (v.effective_from.day() != 1) return "accepted a version not from the first of a month";
    if (v.kind == billing::ItemKind::kPackage && v.includes.empty()) return "accepted an empty package";
    if (v.unit == billing::Unit::kPerUse && !billing::IsMeter(v.meter)) return "accepted a per-use item without a meter";
  }
  if (!billing::CheckCatalogue(versions.value(), "fuzz").ok()) return "accepted a catalogue that breaks its own rules";
  return "";
}

}  // namespace csu::fuzz
