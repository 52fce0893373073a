#include "pricing/price_explanation.h"

#include <cstdio>

#include "pricing/priced_activity.h"
#include "pricing/pricing_math.h"
#include "pricing/table_records.h"
#include "refdata/refdata.h"

namespace csu::pricing {

namespace {

void Component(std::string& out, const char* name, const std::string& value) {
  char head[32];
  std::snprintf(head, sizeof head, "  %-22s ", name);
  out += head + value + "\n";
}

}  // namespace

std::string ExplanationText(const Price& price, std::string_view explanation, ingest::ExtractKind kind,
                            std::string_view provider) {
  std::string out(explanation);
  out += "\n";
  Component(out, "tariff year", price.tariff_year.ToString());
  if (!price.priced()) {
    Component(out, "not priced", std::string(NotPricedText(price.not_priced)));
    return out;
  }
  Component(out, "point of delivery", std::string(PodCode(price.pod)));
  Component(out, "base price", price.base.ToString());
  if (kind == ingest::ExtractKind::kApc) {
    Component(out, "excess bed days",
              std::to_string(price.excess_bed_days) + " = " + price.excess_bed_day_payment.ToString());
    Component(out, "short-stay adjustment", price.ssem_reduction.ToString());
    Component(out, "specialised top-up",
              price.top_up.ToString() + " (" + detail::PercentText(price.top_up_ppm) + ")");
    Component(out, "unbundled HRGs",
              price.unbundled.ToString() + " (" + std::to_string(price.unbundled_count) + " priced, " +
                  std::to_string(price.unbundled_unpriced) + " priced locally)");
    Component(out, "adjustments", price.adjustments.ToString());
  }
  Component(out, "MFF", detail::FactorText(price.mff_ppm) + " (" + std::string(provider) + ")");
  Component(out, "final price", price.final_price.ToString());
  return out;
}

std::string ExplainTableRow(const PricedActivity& a, const refdata::RefData& ref, ingest::ExtractKind kind,
                            size_t row) {
  std::string explanation;
  Price price;
  std::string provider;
  switch (kind) {
    case ingest::ExtractKind::kApc:
      price = PriceApc(ApcRecordAt(a.tables, row), ref, a.options, &explanation);
      provider = std::string(a.tables.codes.provider().code(a.tables.apc.provider[row]));
      break;
    case ingest::ExtractKind::kOp:
      price = PriceOp(OpRecordAt(a.tables, row), ref, a.options, &explanation);
      provider = std::string(a.tables.codes.provider().code(a.tables.op.provider[row]));
      break;
    case ingest::ExtractKind::kAe:
      price = PriceAe(AeRecordAt(a.tables, row), ref, a.options, &explanation);
      provider = std::string(a.tables.codes.provider().code(a.tables.ae.provider[row]));
      break;
  }
  return ExplanationText(price, explanation, kind, provider);
}

}  // namespace csu::pricing
