#include "synth/rates.h"

namespace csu::synth {
namespace {

// Scales `shape` so that England's population gets `per_1000` events per
// 1,000 people (the same for both sexes).
void Scale(const BandArray& shape, double per_1000, double out[2][kAgeBands]) {
  double events = 0, people = 0;
  for (int b = 0; b < kAgeBands; ++b) {
    events += shape[b] * (kEnglandMale[b] + kEnglandFemale[b]);
    people += kEnglandMale[b] + kEnglandFemale[b];
  }
  const double k = per_1000 / 1000.0 * people / events;
  for (int b = 0; b < kAgeBands; ++b) out[0][b] = out[1][b] = shape[b] * k;
}

}  // namespace

RateModel BuildRateModel() {
  RateModel m{};
  Scale(kElectiveShape, kElectivePer1000, m.elective);
  Scale(kEmergencyShape, kDirectEmergencyPer1000, m.direct_emergency);
  Scale(kAeShape, kAePer1000, m.ae);
  Scale(kOpFirstShape, kOpFirstPer1000, m.op_first);
  Scale(kChemoShape, kChemoCoursesPer1000, m.chemo_courses);

  // Men are admitted electively a little more at older ages and women use
  // outpatients more in adult life (gynaecology, breast) [K].
  for (int b = 0; b < kAgeBands; ++b) {
    if (b >= 3 && b <= 10) {
      m.op_first[0][b] *= 0.8;
      m.op_first[1][b] *= 1.2;
    }
    if (b >= 12) {
      m.elective[0][b] *= 1.08;
      m.elective[1][b] *= 0.93;
    }
  }

  // Maternity: women 15-44, peaking at 25-34 like fertility [K ONS].
  static constexpr double kMaternityShape[kAgeBands] = {0, 0, 0, 0.25, 0.7, 1.15, 1.3, 0.8, 0.2, 0.02,
                                                        0, 0, 0, 0,    0,   0,    0,   0,   0};
  double women = 0, weighted = 0;
  for (int b = 3; b <= 8; ++b) {
    women += kEnglandFemale[b];
    weighted += kEnglandFemale[b] * kMaternityShape[b];
  }
  for (int b = 0; b < kAgeBands; ++b) {
    m.maternity[b] = kMaternityShape[b] * kMaternityPer1000Women / 1000.0 * women / weighted;
  }

  // Type 1 admission factor normalised over the age mix of Type 1 attenders.
  double num = 0, den = 0;
  for (int b = 0; b < kAgeBands; ++b) {
    const double attenders = kAeShape[b] * (kEnglandMale[b] + kEnglandFemale[b]);
    num += attenders * kType1AdmitShape[b];
    den += attenders;
  }
  for (int b = 0; b < kAgeBands; ++b) m.type1_admit_factor[b] = kType1AdmitShape[b] * den / num;
  return m;
}

}  // namespace csu::synth
