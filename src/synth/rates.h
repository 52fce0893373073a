// The calibration of the synthetic generator in one readable place: England's
// age/sex structure, how often people of each age are admitted, attend
// outpatients and A&E, and the national totals those shapes are scaled to.
// Sources are shared/research/domain.md section 2.6 ([V] verified, [K] domain
// knowledge) and the real NHS England A&E data in refdata (ae_history), which
// the generator reads directly for month-by-month A&E volumes, 4-hour
// performance and admission conversion.
//
// The shapes are relative; BuildRateModel() scales each so that a population
// with England's structure gets the national total per 1,000. The totals
// below are the *base* processes; readmissions and the admissions that follow
// A&E attendances are added on top by the generator, so the measured figures
// (printed by the summary) are what to compare with the targets.
#pragma once

#include <array>
#include <cstdint>

namespace csu::synth {

inline constexpr int kAgeBands = 19;  // 0-4, 5-9, ..., 85-89, 90+
inline constexpr int AgeBand(int32_t age) { return age >= 90 ? 18 : (age < 0 ? 0 : age / 5); }

using BandArray = std::array<double, kAgeBands>;

// England mid-2018 resident population in thousands by 5-year band (ONS
// mid-year estimates, rounded [K]); total ~56 million.
inline constexpr BandArray kEnglandMale = {1730, 1810, 1650, 1580, 1780, 1920, 1890, 1800, 1680, 1870,
                                           1900, 1700, 1460, 1370, 1260, 860,  600,  340,  160};
inline constexpr BandArray kEnglandFemale = {1647, 1722, 1568, 1497, 1700, 1890, 1900, 1820, 1700, 1910,
                                             1950, 1740, 1510, 1450, 1390, 1000, 780,  510,  360};

// ---- National totals of the base processes, per 1,000 people a year ----

// Elective admissions (day case + ordinary), ~59% of ~290 admissions per
// 1,000 [V domain 2.6: 293/1,000 in 2014-15; 55-60% elective].
inline constexpr double kElectivePer1000 = 172.0;
// Emergency admissions not via A&E (GP, bed bureau, clinic; methods 22-2D,
// 28). Admissions via A&E come from the A&E model (real conversion rates).
inline constexpr double kDirectEmergencyPer1000 = 23.0;
// A&E attendances, all types [V domain 2.6: 24.8 m in 2018/19 ~ 440/1,000],
// less the ~12/1,000 that readmissions add.
inline constexpr double kAePer1000 = 418.0;
// Intended outpatient first appointments; with re-booked DNAs and
// cancellations and ~2 follow-ups each this gives ~2,200 appointments per
// 1,000 [V domain 2.6: 124.9 m appointments, 2019-20].
inline constexpr double kOpFirstPer1000 = 600.0;
// Antenatal / postnatal maternity admissions per 1,000 women aged 15-44.
// Deliveries are not generated: their HRGs (maternity pathway) are in
// neither the published tariff nor the HRG code list held in refdata.
inline constexpr double kMaternityPer1000Women = 28.0;
// Courses of same-day chemotherapy (regular day admissions) per 1,000.
inline constexpr double kChemoCoursesPer1000 = 1.2;

// ---- Age shapes (relative rates by band; U/J shapes of domain 2.6 [K]) ----
inline constexpr BandArray kElectiveShape = {60,  40,  40,  50,  60,  75,  85,  95,  110, 135,
                                             165, 200, 240, 300, 360, 390, 370, 300, 200};
inline constexpr BandArray kEmergencyShape = {140, 40,  40,  55,  60,  60,  60,  62,  68, 75,
                                              85,  100, 120, 150, 195, 260, 350, 470, 600};
inline constexpr BandArray kAeShape = {600, 300, 330, 450, 500, 440, 400, 370, 350, 340,
                                       330, 320, 320, 330, 380, 480, 650, 900, 1100};
inline constexpr BandArray kOpFirstShape = {300, 200, 200, 230, 300, 380, 400, 360, 350, 400,
                                            450, 520, 600, 700, 800, 880, 880, 780, 600};
inline constexpr BandArray kChemoShape = {2, 1, 1, 2, 3, 5, 8, 12, 20, 35, 55, 80, 105, 125, 135, 125, 100, 60, 30};
// Relative chance that a Type 1 attendance is admitted, by age (the older,
// the likelier); scaled so the real monthly conversion of each trust holds.
inline constexpr BandArray kType1AdmitShape = {0.45, 0.35, 0.35, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8,
                                               0.9,  1.0,  1.15, 1.35, 1.55, 1.8, 2.0, 2.2,  2.3};

// Share of elective admissions done as day cases [V domain 2.6: ~80%].
inline constexpr double kDayCaseShareUnder65 = 0.83;
inline constexpr double kDayCaseShare65Plus = 0.77;

// Outpatients: share of appointments not attended, by reason [V domain 2.6:
// DNA 6.2%, cancellations 16.2% (2019-20)]. Most are re-booked.
inline constexpr double kOpDnaShare = 0.068;
inline constexpr double kOpPatientCancelShare = 0.072;
inline constexpr double kOpProviderCancelShare = 0.085;
inline constexpr double kOpLateNotSeenShare = 0.003;
inline constexpr double kOpRebookShare = 0.80;
// Mean follow-ups booked after an attended first appointment; with the
// follow-ups after elective admissions this gives ~2 per first [V: 1.96-2.50].
inline constexpr double kOpFollowUpsPerFirst = 2.2;
inline constexpr double kOpFollowUpAfterElective = 0.55;
inline constexpr double kOpNonFaceToFaceShare = 0.04;
inline constexpr double kOpMultiProfessionalShare = 0.05;
inline constexpr double kOpProcedureShare = 0.13;  // attended appointments with an OPROC HRG

// A&E department type mix outside the real per-trust data [V: 2018/19 Type 1
// 15.7 m of 24.8 m]. Type 2 and 3/4 are taken from the same real data.
inline constexpr double kType2Conversion = 0.04;
inline constexpr double kType34Conversion = 0.008;

// 30-day emergency readmission [V domain 2.6: 13.8% in 2017/18]. This is
// the chance an emergency discharge triggers a readmission; coincident
// admissions add the rest.
inline constexpr double kReadmissionChance = 0.115;
inline constexpr double kReadmissionViaAe = 0.75;

// A&E performance and conversion follow each trust's real monthly figures
// shrunk towards the national figure of the month: the trusts of the
// default CSU really did worse than England in 2018/19 (Type 1 4-hour
// 70-82%, conversion 30-40%), and the generator's promise is national-like
// rates with visible differences between trusts.
inline constexpr double kTrustAeDeviationWeight = 0.2;
// Readmissions via A&E add admitted attendances on top of the base
// conversion; scaling the base keeps the total near the real figure.
inline constexpr double kType1ConversionScale = 0.88;

// Length of stay: non-zero stays are log-normal with a median at a share of
// the HRG's trim point [V domain 2.6: trim points median 5 elective, 17
// emergency; mean LoS of ordinary admissions 5.0 days], longer for older
// patients.
inline constexpr double kElectiveLosShare = 0.5;
inline constexpr double kElectiveLosSigma = 0.8;
inline constexpr double kEmergencyLosSigma = 0.9;
inline constexpr double EmergencyLosShare(int32_t age) {
  return age < 16 ? 0.09 : (age < 65 ? 0.18 : (age < 80 ? 0.24 : 0.28));
}

// Share of emergency admissions with a length of stay of 0 days, by age
// (children go home the same day most often) [K domain 2.6: 30-40%].
inline constexpr double kZeroDayEmergencyChild = 0.50;
inline constexpr double kZeroDayEmergencyAdult = 0.36;
inline constexpr double kZeroDayEmergencyOld = 0.22;  // 75+

// Outpatient treatment functions and their share of first appointments
// [K: HES outpatient activity 2018-19 by treatment function], with the ages
// and sex they apply to and a follow-up intensity (relative).
struct OpSpecialty {
  const char* tfc;
  double weight;
  int32_t min_age, max_age;
  int sex;  // -1 any, 0 male, 1 female
  double follow_up_factor;
};
inline constexpr OpSpecialty kOpSpecialties[] = {
    {"110", 8.0, 16, 130, -1, 1.0},  {"130", 8.5, 0, 130, -1, 1.4},  {"330", 3.2, 0, 130, -1, 0.6},
    {"120", 3.2, 16, 130, -1, 0.7},  {"502", 3.2, 14, 130, 1, 0.7},  {"501", 4.0, 16, 45, 1, 1.6},
    {"320", 3.5, 16, 130, -1, 1.0},  {"100", 2.5, 16, 130, -1, 0.7}, {"101", 2.6, 16, 130, -1, 1.2},
    {"301", 1.8, 16, 130, -1, 1.0},  {"340", 1.6, 16, 130, -1, 1.2}, {"410", 1.6, 16, 130, -1, 1.8},
    {"303", 1.6, 16, 130, -1, 2.2},  {"370", 1.2, 18, 130, -1, 2.4}, {"800", 1.2, 18, 130, -1, 2.2},
    {"420", 3.0, 0, 15, -1, 1.2},    {"307", 1.0, 16, 130, -1, 1.8}, {"300", 1.2, 16, 130, -1, 0.9},
    {"361", 0.8, 16, 130, -1, 2.0},  {"103", 1.4, 16, 130, 1, 0.8},  {"107", 0.6, 30, 130, -1, 0.8},
    {"104", 1.0, 18, 130, -1, 0.9},  {"140", 1.0, 6, 130, -1, 0.5},  {"143", 0.6, 8, 17, -1, 2.0},
    {"160", 0.8, 0, 130, -1, 0.7},   {"191", 0.4, 18, 130, -1, 1.0}, {"430", 0.6, 75, 130, -1, 0.8},
    {"650", 4.0, 5, 130, -1, 1.6},   {"302", 0.6, 16, 130, -1, 1.2}, {"214", 0.5, 0, 15, -1, 1.0},
    {"215", 0.5, 0, 15, -1, 0.8},    {"216", 0.6, 0, 15, -1, 1.4},   {"840", 1.0, 0, 130, -1, 0.8},
};

// The per-patient expected yearly counts of the base processes, by sex
// (0 male, 1 female) and age band, after scaling the shapes to the totals.
struct RateModel {
  double elective[2][kAgeBands];
  double direct_emergency[2][kAgeBands];
  double ae[2][kAgeBands];
  double op_first[2][kAgeBands];
  double maternity[kAgeBands];  // women only
  double chemo_courses[2][kAgeBands];
  double type1_admit_factor[kAgeBands];  // mean 1 over Type 1 attendances
};

// Pure and deterministic; cheap (a few hundred multiplications).
RateModel BuildRateModel();

}  // namespace csu::synth
