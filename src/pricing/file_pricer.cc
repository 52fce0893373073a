#include "pricing/file_pricer.h"

#include <chrono>

#include "core/csv_writer.h"
#include "core/progress.h"
#include "core/text.h"
#include "ingest/extract_reader.h"
#include "ingest/row_validator.h"
#include "pricing/pricing_math.h"
#include "refdata/refdata.h"

namespace csu::pricing {

Result<FilePricingSummary> PriceFile(const std::string& path, ingest::ExtractKind kind, const refdata::RefData& ref,
                                     const PricingOptions& options, const std::function<void(std::string_view)>& out,
                                     Progress* progress) {
  auto started = std::chrono::steady_clock::now();
  auto opened = ingest::ExtractReader::Open(path, kind);
  if (!opened.ok()) return opened.error();
  ingest::ExtractReader& extract = opened.value();
  ingest::RowValidator validator(extract.map(), ref);

  std::string buffer;
  buffer.reserve(1 << 20);
  {
    std::vector<std::string> header = extract.header();
    for (const char* c : {"tariff_year", "pod", "base_price", "excess_bed_days", "excess_bed_day_payment",
                          "adjustments", "mff", "final_price", "priced", "explanation"}) {
      header.emplace_back(c);
    }
    AppendCsvRow(buffer, header);
  }

  FilePricingSummary summary;
  ingest::ExtractRow row;
  ingest::ApcRecord apc;
  ingest::OpRecord op;
  ingest::AeRecord ae;
  ingest::Identity identity;
  std::vector<ingest::RowProblem> problems;
  std::string explanation;
  while (extract.Next(row)) {
    ++summary.rows;
    if (progress != nullptr) progress->Update(static_cast<uint64_t>(summary.rows), extract.fraction_read());
    // The input row goes out as it came in; a malformed row is passed
    // through as one raw field so nothing the user sent is dropped.
    std::vector<std::string_view> in_fields = row.fields;
    if (!row.malformed.empty()) in_fields.assign(1, row.text);
    std::optional<Price> price;
    problems.clear();
    if (row.malformed.empty()) {
      bool ok = false;
      switch (kind) {
        case ingest::ExtractKind::kApc:
          ok = validator.ValidateApc(row.fields, apc, identity, problems);
          if (ok) price = PriceApc(apc, ref, options, &explanation);
          break;
        case ingest::ExtractKind::kOp:
          ok = validator.ValidateOp(row.fields, op, identity, problems);
          if (ok) price = PriceOp(op, ref, options, &explanation);
          break;
        case ingest::ExtractKind::kAe:
          ok = validator.ValidateAe(row.fields, ae, identity, problems);
          if (ok) price = PriceAe(ae, ref, options, &explanation);
          break;
      }
    }
    for (size_t i = 0; i < in_fields.size(); ++i) {
      if (i > 0) buffer.push_back(',');
      AppendCsvField(buffer, in_fields[i]);
    }
    if (!price) {
      ++summary.invalid;
      std::string why = !row.malformed.empty() ? row.malformed : problems.front().ToString();
      ++summary.not_priced["invalid row"];
      buffer += ",,,,,,,,,no,";
      AppendCsvField(buffer, "not priced: invalid row: " + why);
    } else {
      const Price& p = *price;
      buffer += ",";
      buffer += p.tariff_year.ToString();
      buffer += ",";
      buffer += PodCode(p.pod);
      if (p.priced()) {
        ++summary.priced;
        summary.total += p.final_price;
        summary.total_by_pod[std::string(PodCode(p.pod))] += p.final_price;
        buffer += "," + p.base.ToDecimal() + "," + std::to_string(p.excess_bed_days) + "," +
                  p.excess_bed_day_payment.ToDecimal() + "," + p.adjustments.ToDecimal() + "," +
                  detail::FactorText(p.mff_ppm) + "," + p.final_price.ToDecimal() + ",yes,";
      } else {
        ++summary.not_priced[std::string(NotPricedText(p.not_priced))];
        buffer += ",,,,,,,no,";
      }
      AppendCsvField(buffer, explanation);
    }
    buffer.push_back('\n');
    if (buffer.size() >= (1 << 20)) {
      out(buffer);
      buffer.clear();
    }
  }
  if (!buffer.empty()) out(buffer);
  if (progress != nullptr) progress->Finish();
  if (summary.rows == 0) return MakeError(path, "has a header but no data rows: nothing to price");
  summary.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace csu::pricing
