#include "synth/patient_sim.h"

#include <algorithm>
#include <climits>
#include <cmath>

#include "refdata/refdata.h"
#include "synth/clinical_codes.h"

namespace csu::synth {
namespace {

// Treatment functions the simulator assigns directly.
struct FixedTfcs {
  TreatmentFunctionCode general_medicine = TreatmentFunctionCode::Parse("300").value();
  TreatmentFunctionCode medical_oncology = TreatmentFunctionCode::Parse("370").value();
  TreatmentFunctionCode paediatrics = TreatmentFunctionCode::Parse("420").value();
  TreatmentFunctionCode elderly_medicine = TreatmentFunctionCode::Parse("430").value();
  TreatmentFunctionCode clinical_oncology = TreatmentFunctionCode::Parse("800").value();
};
const FixedTfcs& Fixed() {
  static const FixedTfcs kFixed;
  return kFixed;
}

void SetCode(char (&dst)[3], const char* src) {
  dst[0] = src[0];
  dst[1] = src[1];
  dst[2] = '\0';
}

// Direct (not via A&E) emergency and other non-elective admission methods
// [K: HES admission method mix].
const char* DirectMethod(Rng& rng) {
  static const char* kMethods[] = {"22", "24", "28", "2D", "23", "2A", "2B", "25", "81"};
  static const AliasTable kTable(std::vector<double>{55, 12, 10, 9, 4, 3, 3, 1, 3});
  return kMethods[kTable.Pick(rng)];
}

// A&E disposals of attendances not admitted [K: HES A&E 2018-19].
const char* Disposal(Rng& rng) {
  static const char* kCodes[] = {"02", "03", "04", "05", "06", "07", "11", "12", "13", "14"};
  static const AliasTable kTable(std::vector<double>{22, 45, 3, 4, 6, 1, 5, 3, 1, 10});
  return kCodes[kTable.Pick(rng)];
}

// A log-normal draw kept inside [lo, hi] by resampling (then clamping).
int32_t TruncatedLogNormal(Rng& rng, double median, double sigma, int32_t lo, int32_t hi) {
  for (int i = 0; i < 6; ++i) {
    const auto v = static_cast<int32_t>(std::lround(rng.LogNormal(median, sigma)));
    if (v >= lo && v <= hi) return v;
  }
  return std::clamp(static_cast<int32_t>(std::lround(median)), lo, hi);
}

uint8_t DrawIdFlags(Rng& rng, double no_number, double unregistered) {
  uint8_t f = kIdNormal;
  const double u = rng.Uniform();
  if (u < no_number) {
    f |= kIdNoNhsNumber;
  } else if (u < no_number + 0.01) {
    f |= kIdSpaced;
  }
  if (unregistered > 0 && rng.Bernoulli(unregistered)) f |= kIdUnregistered;
  return f;
}

}  // namespace

OpMix::OpMix(const refdata::RefData& refdata) {
  std::vector<const OpSpecialty*> specs;
  for (const auto& s : kOpSpecialties) {
    auto tfc = TreatmentFunctionCode::Parse(s.tfc);
    if (!tfc.ok() || refdata.FindTreatmentFunction(tfc.value()) == nullptr) continue;
    choices_.push_back(Choice{tfc.value(), s.follow_up_factor});
    specs.push_back(&s);
  }
  for (int age = 0; age <= kMaxAge; ++age) {
    for (int sex = 0; sex < 2; ++sex) {
      std::vector<double> w;
      for (size_t i = 0; i < specs.size(); ++i) {
        const OpSpecialty& s = *specs[i];
        if (age < s.min_age || age > s.max_age || (s.sex >= 0 && s.sex != sex)) continue;
        w.push_back(s.weight);
        ids_[age][sex].push_back(static_cast<uint32_t>(i));
      }
      tables_[age][sex] = AliasTable(w);
    }
  }
}

const OpMix::Choice& OpMix::Pick(int32_t age, int sex_index, Rng& rng) const {
  const int a = std::clamp(age, 0, kMaxAge);
  return choices_[ids_[a][sex_index][tables_[a][sex_index].Pick(rng)]];
}

PatientSimulator::PatientSimulator(const SimContext& ctx, const PracticeProviders& providers, double need)
    : ctx_(ctx), providers_(providers), need_(need) {}

int32_t PatientSimulator::FinancialMonth(Date d) const {
  const int32_t m = d.month();
  return m >= 4 ? m - 3 : m + 9;
}

void PatientSimulator::Simulate(uint32_t index, Rng& rng, PracticeEvents& out) {
  const Patient& p = out.patients[index];
  patient_ = &p;
  spells_.clear();
  ops_.clear();
  aes_.clear();
  band_ = AgeBand(p.age);
  const int s = p.sex_index;
  group_ = p.age < 16 ? 0 : 1 + s;
  const Calendar& cal = *ctx_.calendar;
  const RateModel& r = ctx_.rates;

  int32_t n = rng.Poisson(r.ae[s][band_] * need_ * cal.WindowFactor(Flow::kAe));
  for (int32_t i = 0; i < n; ++i) AddAe(cal.Draw(Flow::kAe, rng), false, -1, rng);
  n = rng.Poisson(r.direct_emergency[s][band_] * need_ * cal.WindowFactor(Flow::kEmergency));
  for (int32_t i = 0; i < n; ++i) AddEmergencySpell(cal.Draw(Flow::kEmergency, rng), DirectMethod(rng), -1, rng);
  n = rng.Poisson(r.elective[s][band_] * cal.WindowFactor(Flow::kElective));
  for (int32_t i = 0; i < n; ++i) AddElective(cal.Draw(Flow::kElective, rng), rng);
  if (s == 1 && r.maternity[band_] > 0) {
    n = rng.Poisson(r.maternity[band_] * cal.WindowFactor(Flow::kMaternity));
    for (int32_t i = 0; i < n; ++i) AddMaternity(cal.Draw(Flow::kMaternity, rng), rng);
  }
  n = rng.Poisson(r.chemo_courses[s][band_] * cal.WindowFactor(Flow::kElective));
  for (int32_t i = 0; i < n; ++i) AddChemoCourse(cal.Draw(Flow::kElective, rng), rng);
  n = rng.Poisson(r.op_first[s][band_] * cal.WindowFactor(Flow::kOutpatient));
  for (int32_t i = 0; i < n; ++i) AddOutpatientPathway(cal.Draw(Flow::kOutpatient, rng), rng);

  // Emergency readmissions within 30 days; a readmission can itself be
  // followed by one, so the loop also visits spells it adds.
  const Date last = ctx_.year.last_day();
  const double chance = kReadmissionChance * (p.age >= 75 ? 1.25 : (p.age < 16 ? 0.6 : 1.0));
  for (size_t i = 0; i < spells_.size(); ++i) {
    if (!spells_[i].emergency() || spells_[i].discharge_method == '4') continue;
    if (!rng.Bernoulli(chance)) continue;
    const Date d = spells_[i].discharge.AddDays(1 + std::min(29, rng.Geometric(0.13)));
    if (d > last) continue;
    const int32_t preferred = rng.Bernoulli(0.8) ? spells_[i].provider : -1;
    if (rng.Bernoulli(kReadmissionViaAe)) {
      AddAe(d, true, preferred, rng);
    } else {
      AddEmergencySpell(d, "22", preferred, rng);
    }
  }

  MakeConsistent();
  CountReadmissions(out.readmissions);

  const Date first = ctx_.year.first_day();
  for (SpellRow& sp : spells_) {
    if (sp.dropped || sp.discharge < first || sp.discharge > last) continue;
    sp.patient = index;
    sp.ae_link = -1;
    out.spells.push_back(sp);
  }
  for (OpRow& o : ops_) {
    if (o.dropped || o.date < first || o.date > last) continue;
    o.patient = index;
    out.ops.push_back(o);
  }
  for (AeRow& a : aes_) {
    const Date d = a.arrival.date();
    if (a.dropped || d < first || d > last) continue;
    a.patient = index;
    a.spell_link = -1;
    out.aes.push_back(a);
  }
}

uint16_t PatientSimulator::ChooseProvider(char hrg_chapter, double route_scale, Rng& rng) const {
  uint16_t provider = providers_.general[group_].Pick(rng);
  if (hrg_chapter < 'A' || hrg_chapter > 'Z') return provider;
  const auto& route = providers_.routes[static_cast<size_t>(hrg_chapter - 'A')];
  if (route.chance > 0 && rng.Bernoulli(route.chance * route_scale)) {
    const Provider& sp = ctx_.catalog->providers()[route.provider];
    if ((!sp.children_only || group_ == 0) && (!sp.women_only || group_ == 2)) provider = route.provider;
  }
  return provider;
}

void PatientSimulator::FillClinical(SpellRow& s, const HrgEntry& e, bool emergency, Rng& rng) const {
  const int32_t age = patient_->age;
  s.hrg = e.code;
  if (e.surgical) {
    s.tfc = e.surgical_tfc;
  } else if (age < 16) {
    s.tfc = Fixed().paediatrics;
  } else if (emergency && age >= 75 && rng.Bernoulli(0.4)) {
    s.tfc = Fixed().elderly_medicine;
  } else if (emergency && rng.Bernoulli(0.45)) {
    s.tfc = Fixed().general_medicine;
  } else {
    s.tfc = e.medical_tfc;
  }
  if (e.diagnoses != nullptr && !e.diagnoses->empty()) {
    s.diagnosis = (*e.diagnoses)[rng.Below(static_cast<uint32_t>(e.diagnoses->size()))];
  }
  if (e.surgical && e.procedures != nullptr && !e.procedures->empty()) {
    s.procedure = (*e.procedures)[rng.Below(static_cast<uint32_t>(e.procedures->size()))];
  }
  if (!e.pss_flag.empty() && rng.Bernoulli(0.3)) s.pss_flag = e.pss_flag;
}

void PatientSimulator::AddAe(Date date, bool force_admit, int32_t preferred_provider, Rng& rng) {
  const Patient& p = *patient_;
  const auto& catalog = *ctx_.catalog;
  const int adult = p.age >= 16 ? 1 : 0;
  int g = kType1;
  if (!force_admit) {
    const auto& share = catalog.national_group_share();
    const double u = rng.Uniform();
    if (u < share[kType2]) {
      g = kType2;
    } else if (u < share[kType2] + share[kType34]) {
      g = kType34;
    }
    if (providers_.ae[g][adult].empty()) g = kType1;
  }
  uint16_t provider = providers_.nearest;
  if (g == kType1 && preferred_provider >= 0 &&
      catalog.providers()[static_cast<size_t>(preferred_provider)].has_ae_group[kType1]) {
    provider = static_cast<uint16_t>(preferred_provider);
  } else if (!providers_.ae[g][adult].empty()) {
    provider = providers_.ae[g][adult].Pick(rng);
  }
  const Provider& prov = catalog.providers()[provider];
  const int32_t fm = FinancialMonth(date);

  // Admission: the trust's real conversion that month, shaped by age.
  double conversion;
  bool admitted;
  if (g == kType1) {
    conversion = prov.admitted[kType1][fm] * kType1ConversionScale;
    admitted = force_admit || rng.Bernoulli(std::min(0.95, conversion * ctx_.rates.type1_admit_factor[band_]));
  } else {
    conversion = g == kType2 ? kType2Conversion : kType34Conversion;
    admitted = rng.Bernoulli(conversion * (p.age >= 65 ? 2.0 : 1.0));
  }

  // Time in the department: the trust's real 4-hour performance that month,
  // with admitted patients waiting longer (most breaches are admissions).
  const double breach = 1.0 - prov.within_4h[g][fm];
  const double breach_admitted = std::min(0.92, breach * 2.0 + 0.05);
  // The share actually admitted: the base conversion plus readmissions.
  const double admitted_share = g == kType1 ? conversion / kType1ConversionScale : conversion;
  const double breach_other =
      std::max(0.0, (breach - admitted_share * breach_admitted) / std::max(0.05, 1.0 - admitted_share));
  int32_t minutes;
  if (rng.Bernoulli(admitted ? breach_admitted : breach_other)) {
    // Waits beyond four hours: mostly an hour or two, but a quarter of
    // admitted patients who breach wait for a bed for many hours (~1% of
    // Type 1 attendances over 12 hours [V domain 2.6: 2.3% in 2019-20]).
    const double mean = admitted ? (rng.Bernoulli(0.25) ? 600.0 : 110.0) : 60.0;
    minutes = 241 + static_cast<int32_t>(std::min(1800.0, rng.Exponential(mean)));
  } else {
    const double median = g == kType1 ? (admitted ? 190.0 : 145.0) : (g == kType2 ? 100.0 : 65.0);
    minutes = TruncatedLogNormal(rng, median, g == kType34 ? 0.6 : 0.45, 5, 240);
  }

  AeRow row;
  row.provider = provider;
  row.arrival = DateTime::At(date, 0, 0).AddMinutes(ctx_.calendar->DrawArrivalMinute(g != kType34, rng));
  row.departure = row.arrival.AddMinutes(minutes);
  SetCode(row.department_type, g == kType1 ? "01" : (g == kType2 ? "02" : (rng.Bernoulli(0.75) ? "03" : "04")));
  const double ambulance = g != kType1 ? 0.015 : (admitted ? 0.55 : 0.14 + (p.age >= 75 ? 0.3 : 0.0));
  row.arrival_mode = rng.Bernoulli(ambulance) ? '1' : '2';
  if (admitted) {
    SetCode(row.disposal, "01");
  } else if (g == kType1 && p.age >= 65 && rng.Bernoulli(0.0008)) {
    SetCode(row.disposal, "10");  // died in department
  } else {
    SetCode(row.disposal, Disposal(rng));
  }
  row.hrg = ctx_.hrgs->PickAe(g, admitted, rng);
  row.id_flags = DrawIdFlags(rng, 0.012, 0.004);
  const auto ae_index = static_cast<int32_t>(aes_.size());
  aes_.push_back(row);
  if (admitted) {
    const int32_t spell = AddEmergencySpell(row.departure.date(), "21", provider, rng);
    spells_[static_cast<size_t>(spell)].ae_link = ae_index;
    aes_[static_cast<size_t>(ae_index)].spell_link = spell;
  }
}

int32_t PatientSimulator::AddEmergencySpell(Date admission, const char* method, int32_t provider, Rng& rng) {
  const Patient& p = *patient_;
  const HrgEntry& e = ctx_.hrgs->Pick(Setting::kNonElective, p.age, p.sex_index, rng);
  SpellRow s;
  s.provider = provider >= 0 ? static_cast<uint16_t>(provider) : ChooseProvider(e.code.view()[0], 0.3, rng);
  s.admission = admission;
  SetCode(s.method, method);
  s.classification = '1';
  // Length of stay: a share go home the same day; the rest log-normal with
  // a median tied to the HRG's trim point, so a few exceed it.
  const double zero_day =
      p.age < 16 ? kZeroDayEmergencyChild : (p.age >= 75 ? kZeroDayEmergencyOld : kZeroDayEmergencyAdult);
  int32_t los = 0;
  if (!rng.Bernoulli(zero_day)) {
    const double median = std::max(1.0, e.non_elective_trim_days * EmergencyLosShare(p.age));
    los = std::clamp(static_cast<int32_t>(std::lround(rng.LogNormal(median, kEmergencyLosSigma))), 1, 365);
  }
  los = std::clamp(los, e.min_los_days, e.max_los_days);
  s.discharge = admission.AddDays(los);
  s.over_trim = los > e.non_elective_trim_days;
  const double death = los == 0 ? 0.0
                                : (p.age < 45 ? 0.002 : (p.age < 65 ? 0.01 : (p.age < 80 ? 0.035 : 0.075)));
  if (rng.Bernoulli(death)) {
    s.discharge_method = '4';
  } else {
    const double u = rng.Uniform();
    s.discharge_method = u < 0.012 ? '2' : (u < 0.0125 ? '3' : (u < 0.018 ? '9' : '1'));
  }
  FillClinical(s, e, true, rng);
  if (los >= 2 && rng.Bernoulli(p.age >= 65 ? 0.05 : 0.03)) {
    s.critical_care_days = static_cast<int16_t>(std::min(los, 1 + rng.Geometric(0.35)));
  }
  if (p.age >= 75 && los >= 10 && rng.Bernoulli(0.1)) {
    s.rehabilitation_days = static_cast<int16_t>(std::min(los - s.critical_care_days, 5 + rng.Between(0, 14)));
  }
  if (s.discharge_method == '4' && los >= 2 && rng.Bernoulli(0.3)) {
    s.palliative_care_days = static_cast<int16_t>(
        std::min(los - s.critical_care_days - s.rehabilitation_days, 1 + rng.Between(0, 6)));
  }
  s.id_flags = DrawIdFlags(rng, 0.002, 0.0);
  spells_.push_back(s);
  return static_cast<int32_t>(spells_.size() - 1);
}

void PatientSimulator::AddElective(Date date, Rng& rng) {
  const Patient& p = *patient_;
  const bool day_case = rng.Bernoulli(p.age >= 65 ? kDayCaseShare65Plus : kDayCaseShareUnder65);
  const HrgEntry& e =
      ctx_.hrgs->Pick(day_case ? Setting::kDayCase : Setting::kOrdinaryElective, p.age, p.sex_index, rng);
  SpellRow s;
  s.provider = ChooseProvider(e.code.view()[0], 1.0, rng);
  s.admission = date;
  const double u = rng.Uniform();
  SetCode(s.method, u < 0.68 ? "11" : (u < 0.90 ? "12" : "13"));
  s.classification = day_case ? '2' : '1';
  int32_t los = 0;
  if (!day_case && !rng.Bernoulli(0.08)) {
    const double median = std::max(1.0, e.elective_trim_days * kElectiveLosShare);
    los = std::clamp(static_cast<int32_t>(std::lround(rng.LogNormal(median, kElectiveLosSigma))), 1, 365);
  }
  los = std::clamp(los, e.min_los_days, e.max_los_days);
  s.discharge = date.AddDays(los);
  s.over_trim = los > e.elective_trim_days;
  if (!day_case && p.age >= 65 && rng.Bernoulli(0.002)) s.discharge_method = '4';
  FillClinical(s, e, false, rng);
  if (los >= 2 && e.surgical && rng.Bernoulli(0.02)) {
    s.critical_care_days = static_cast<int16_t>(std::min(los, 1 + rng.Geometric(0.5)));
  }
  s.id_flags = DrawIdFlags(rng, 0.002, 0.0);
  spells_.push_back(s);
  if (s.discharge_method != '4' && rng.Bernoulli(kOpFollowUpAfterElective)) {
    AddFollowUps(s.discharge, s.tfc, s.provider, 1, rng);
  }
}

void PatientSimulator::AddMaternity(Date date, Rng& rng) {
  const bool postnatal = rng.Bernoulli(0.15);
  const HrgEntry* e = ctx_.hrgs->PickMaternity(postnatal, rng);
  if (e == nullptr) return;
  SpellRow s;
  s.provider = ChooseProvider('N', 1.0, rng);
  s.admission = date;
  SetCode(s.method, postnatal ? "32" : "31");
  s.classification = '1';
  const double u = rng.Uniform();
  const int32_t los = u < 0.55 ? 0 : (u < 0.8 ? 1 : 2 + rng.Between(0, 2));
  s.discharge = date.AddDays(los);
  FillClinical(s, *e, false, rng);
  s.id_flags = DrawIdFlags(rng, 0.002, 0.0);
  spells_.push_back(s);
}

void PatientSimulator::AddChemoCourse(Date start, Rng& rng) {
  const HrgEntry* e = ctx_.hrgs->chemotherapy();
  const auto& unbundled = ctx_.hrgs->chemo_unbundled();
  if (e == nullptr || unbundled.empty() || patient_->age < 16) return;
  const uint16_t provider = ChooseProvider('S', 2.0, rng);
  const HrgCode delivery = unbundled[rng.Below(static_cast<uint32_t>(unbundled.size()))];
  const auto& cancers = ChemotherapyDiagnoses();
  const std::string_view diagnosis = cancers[rng.Below(static_cast<uint32_t>(cancers.size()))];
  const TreatmentFunctionCode tfc = rng.Bernoulli(0.5) ? Fixed().medical_oncology : Fixed().clinical_oncology;
  const int32_t cycles = 4 + rng.Between(0, 4);
  const int32_t interval = rng.Bernoulli(0.6) ? 21 : 14;
  for (int32_t c = 0; c < cycles; ++c) {
    const Date d = start.AddDays(c * interval);
    if (d > ctx_.year.last_day()) break;
    SpellRow s;
    s.provider = provider;
    s.admission = s.discharge = d;
    SetCode(s.method, "12");
    s.classification = '3';  // regular day admission
    s.tfc = tfc;
    s.hrg = e->code;
    s.unbundled = delivery;
    s.diagnosis = diagnosis;
    s.id_flags = DrawIdFlags(rng, 0.002, 0.0);
    spells_.push_back(s);
  }
}

void PatientSimulator::AddOutpatientPathway(Date first_date, Rng& rng) {
  const OpMix::Choice& c = ctx_.op_mix->Pick(patient_->age, patient_->sex_index, rng);
  const uint16_t provider = providers_.general[group_].Pick(rng);
  Date seen;
  if (!Book(first_date, true, c.tfc, provider, rng, seen)) return;
  const double mean = kOpFollowUpsPerFirst * c.follow_up_factor;
  AddFollowUps(seen, c.tfc, provider, rng.Geometric(1.0 / (1.0 + mean)), rng);
}

void PatientSimulator::AddFollowUps(Date after, TreatmentFunctionCode tfc, uint16_t provider, int32_t count,
                                    Rng& rng) {
  Date d = after;
  for (int32_t k = 0; k < count; ++k) {
    d = d.AddDays(21 + rng.Between(0, 120));
    while (!ctx_.calendar->IsWorkingDay(d)) d = d.AddDays(1);
    if (d > ctx_.year.last_day()) return;
    Date seen;
    Book(d, false, tfc, provider, rng, seen);
  }
}

bool PatientSimulator::Book(Date date, bool first, TreatmentFunctionCode tfc, uint16_t provider, Rng& rng,
                            Date& seen_on) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (date > ctx_.year.last_day()) return false;
    OpRow row;
    row.provider = provider;
    row.date = date;
    row.tfc = tfc;
    if (first) {
      row.first_attendance = rng.Bernoulli(kOpNonFaceToFaceShare) ? '3' : '1';
    } else {
      row.first_attendance = rng.Bernoulli(kOpNonFaceToFaceShare * 1.3) ? '4' : '2';
    }
    const double u = rng.Uniform();
    double edge = kOpDnaShare;
    if (u < edge) {
      row.attended = '3';
    } else if (u < (edge += kOpPatientCancelShare)) {
      row.attended = '2';
    } else if (u < (edge += kOpProviderCancelShare)) {
      row.attended = '4';
    } else if (u < (edge += kOpLateNotSeenShare)) {
      row.attended = '7';
    } else {
      row.attended = rng.Bernoulli(0.03) ? '6' : '5';
    }
    row.multi_professional = rng.Bernoulli(kOpMultiProfessionalShare);
    if (row.was_seen() && rng.Bernoulli(kOpProcedureShare)) {
      const HrgEntry* e = ctx_.hrgs->PickOutpatientProcedure(tfc, patient_->age, patient_->sex_index, rng);
      if (e != nullptr) row.hrg = e->code;
    }
    row.id_flags = DrawIdFlags(rng, 0.003, 0.0);
    ops_.push_back(row);
    if (row.was_seen()) {
      seen_on = date;
      return true;
    }
    if (!rng.Bernoulli(kOpRebookShare)) return false;
    date = date.AddDays(14 + rng.Between(0, 28));
    while (!ctx_.calendar->IsWorkingDay(date)) date = date.AddDays(1);
  }
  return false;
}

void PatientSimulator::MakeConsistent() {
  const Date dob = patient_->date_of_birth;
  Date death = Date::FromDays(INT32_MAX);
  for (auto& a : aes_) {
    if (a.arrival.date() < dob) a.dropped = true;
    if (!a.dropped && a.disposal[0] == '1' && a.disposal[1] == '0') death = std::min(death, a.departure.date());
  }
  // Spells in admission order: drop those before birth, after death, or
  // starting during an earlier stay.
  std::vector<uint32_t> order(spells_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return spells_[a].admission != spells_[b].admission ? spells_[a].admission < spells_[b].admission : a < b;
  });
  Date busy_until = Date::FromDays(INT32_MIN);
  for (uint32_t i : order) {
    SpellRow& s = spells_[i];
    if (s.admission < dob || s.admission > death || s.admission < busy_until) {
      s.dropped = true;
      continue;
    }
    busy_until = s.discharge;
    if (s.discharge_method == '4') death = std::min(death, s.discharge);
  }
  auto during_stay = [&](Date d, int32_t own_spell) {
    for (size_t i = 0; i < spells_.size(); ++i) {
      const SpellRow& s = spells_[i];
      if (!s.dropped && static_cast<int32_t>(i) != own_spell && d > s.admission && d < s.discharge) return true;
    }
    return false;
  };
  for (auto& a : aes_) {
    const Date d = a.arrival.date();
    if (d > death || during_stay(d, a.spell_link)) a.dropped = true;
    if (a.spell_link >= 0 && spells_[static_cast<size_t>(a.spell_link)].dropped) a.dropped = true;
  }
  // An admission via A&E exists only with its attendance.
  for (auto& s : spells_) {
    if (s.ae_link >= 0 && aes_[static_cast<size_t>(s.ae_link)].dropped) s.dropped = true;
  }
  for (auto& o : ops_) {
    if (o.date < dob || o.date > death || during_stay(o.date, -1)) o.dropped = true;
  }
}

void PatientSimulator::CountReadmissions(ReadmissionCounts& counts) const {
  const Date first = ctx_.year.first_day();
  const Date cutoff = ctx_.year.last_day().AddDays(-30);
  for (size_t i = 0; i < spells_.size(); ++i) {
    const SpellRow& s = spells_[i];
    if (s.dropped || !s.emergency() || s.discharge_method == '4') continue;
    if (s.discharge < first || s.discharge > cutoff) continue;
    ++counts.eligible_discharges;
    for (size_t j = 0; j < spells_.size(); ++j) {
      const SpellRow& t = spells_[j];
      if (j == i || t.dropped || !t.emergency()) continue;
      const int32_t gap = t.admission - s.discharge;
      if (gap >= 0 && gap <= 30 && !(t.admission == s.admission && j < i)) {
        ++counts.readmitted_30d;
        break;
      }
    }
  }
}

}  // namespace csu::synth
