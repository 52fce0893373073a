#include "synth/clinical_codes.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace csu::synth {
namespace {

using V = std::vector<std::string_view>;

// Treatment functions follow the NHS Data Dictionary list (100 general
// surgery, 110 trauma & orthopaedics, 300 general internal medicine, ...).
const std::vector<SubchapterCoding>& Table() {
  static const std::vector<SubchapterCoding> kTable = {
      {"AA", "400", "150", V{"I639", "I619", "G459", "G409", "G20X", "G35X", "R51X", "R55X", "G439", "S065"},
       V{"A021", "A052", "A481", "A575", "A651"}},
      {"AB", "191", "191", V{"M545", "M549", "G894", "M796"}, V{"A521", "A577", "V544", "A735"}},
      {"BZ", "130", "130", V{"H251", "H269", "H401", "H353", "H020", "H330", "H110", "E113"},
       V{"C751", "C712", "C794", "C862", "C101", "C822"}},
      {"CA", "120", "120", V{"J350", "J343", "H652", "J320", "J342", "H669", "R040", "C320"},
       V{"F341", "D151", "E036", "E133", "E081", "D202", "E253"}},
      {"CB", "120", "120", V{"J039", "H669", "R040", "J36X", "H811", "R42X"}, V{}},
      {"CD", "140", "144", V{"K011", "K021", "K045", "K083", "K071"}, V{"F098", "F091", "F101", "F141"}},
      {"DZ", "340", "340", V{"J189", "J440", "J441", "J459", "J22X", "J90X", "C349", "J849", "I269", "R060", "J690"},
       V{"E481", "E493", "E635", "T122", "E591"}},
      {"EB", "320", "320", V{"I214", "I500", "I48X", "R074", "I209", "I10X", "R55X", "I119", "I471"},
       V{"K634", "U201", "K582"}},
      {"EC", "321", "172", V{"Q211", "Q210", "Q251"}, V{"K121", "K162"}},
      {"ED", "320", "172", V{"I251", "I350", "I340", "I712", "I214"}, V{"K401", "K402", "K261", "K255"}},
      {"EY", "320", "320", V{"I214", "I211", "I200", "I251", "I495", "I442"},
       V{"K751", "K754", "K634", "K602", "K611", "K571"}},
      {"FZ", "301", "100",
       V{"K359", "K802", "K210", "K529", "K573", "K922", "R104", "K409", "K602", "K649", "D126", "C189", "C20X",
         "K590", "A099", "K566", "K297", "K509", "K519"},
       V{"H229", "G451", "H251", "T201", "J183", "H011", "H208", "G459", "H551", "T241", "H202", "G441", "H281"}},
      {"GA", "306", "100", V{"K802", "K810", "K851", "C250"}, V{"J183", "J574", "J021"}},
      {"GB", "301", "100", V{"K805", "K830", "K851", "C240"}, V{"J382", "J401", "J431"}},
      {"GC", "306", "100", V{"K703", "K746", "K859", "K810", "K802"}, V{}},
      {"HC", "110", "108", V{"M511", "M480", "M545", "M431", "S320"}, V{"V255", "V339", "V544", "V384"}},
      {"HD", "410", "110", V{"M059", "M069", "M109", "M199", "M797", "M353", "M255", "M796"}, V{"W903", "W904"}},
      {"HE", "110", "110", V{"S720", "S525", "S822", "S420", "S322", "M796", "M255"}, V{}},
      {"HN", "110", "110", V{"M170", "M161", "M201", "M232", "M750", "G560", "M751", "M722", "M659", "M190"},
       V{"W401", "W371", "W381", "W852", "W821", "A651", "W151", "T522", "W791", "O291"}},
      {"HT", "110", "110", V{"S720", "S721", "S525", "S822", "S826", "S422", "S620", "S827"},
       V{"W191", "W241", "W461", "W471", "W201", "W281", "W651"}},
      {"JA", "103", "103", V{"C509", "D24X", "N63X", "N61X", "N60X"}, V{"B281", "B282", "B275", "B321"}},
      {"JB", "160", "160", V{"T203", "T223", "T243", "T302"}, V{"S481", "S351"}},
      {"JC", "330", "160", V{"C443", "C449", "D229", "L720", "L570", "D23X", "C439", "L089"},
       V{"S062", "S053", "S061", "S601", "S352", "S571"}},
      {"JD", "330", "330", V{"L031", "L039", "L209", "L400", "L089", "L501", "L270", "L02X"}, V{}},
      {"KA", "302", "100", V{"E039", "E050", "E079", "E219", "E222", "E271"}, V{"B082", "B142"}},
      {"KB", "307", "307", V{"E119", "E101", "E110", "E162", "E103", "E115"}, V{}},
      {"KC", "302", "302", V{"E871", "E876", "E86X", "E834", "E440", "E785"}, V{}},
      {"LA", "361", "101", V{"N179", "N185", "N189", "N10X", "N390", "N184", "N183", "N049"},
       V{"M011", "M131", "X401"}},
      {"LB", "101", "101", V{"N390", "N40X", "N200", "N201", "C61X", "R31X", "N138", "C679", "N433", "N45X", "R33X"},
       V{"M459", "M421", "M651", "M279", "M292", "M761", "N171", "M474"}},
      {"MA", "502", "502", V{"N939", "N832", "D259", "N840", "N811", "N920", "N800", "C539", "N870"},
       V{"Q181", "Q073", "Q078", "Q101", "Q383", "Q551", "Q171", "P231", "Q382"}},
      {"MB", "502", "502", V{"N939", "N946", "N730", "N832", "R102", "N719"}, V{}},
      {"NZ", "501", "501", V{"O470", "O244", "O200", "O140", "O235", "O990", "O210", "O365", "O600", "O860", "O900"},
       V{"R371", "R361"}},
      {"PA", "420", "171",
       V{"J210", "J069", "R509", "J181", "A099", "B349", "H669", "J050", "P599", "J459", "R568", "L509", "K529",
         "R119", "S099", "R629"},
       V{}},
      {"SA", "303", "303", V{"D649", "D509", "D696", "D610", "C900", "C911", "C833", "C859", "D570", "D66X", "D680"},
       V{"X331", "X332", "X352", "X355"}},
      {"SD", "315", "315", V{"C349", "C259", "C780", "C787"}, V{}},
      {"UZ", "300", "300", V{"R69X"}, V{}},
      {"VA", "110", "110", V{"T068", "S270", "S361", "S220", "S320"}, V{"W191", "T301"}},
      {"VC", "314", "314", V{"Z501", "I639", "S720"}, V{}},
      {"WD", "710", "710", V{"F329", "F209", "F102", "F412", "F03X", "F050", "F101"}, V{}},
      {"WH", "300", "300", V{"T391", "T424", "T510", "R69X", "R296", "R53X", "T402", "Z098", "R418", "R54X"}, V{}},
      {"WJ", "350", "350", V{"A419", "A090", "B999", "A049", "A084", "B349", "A879"}, V{}},
      {"YA", "400", "150", V{"I671", "I600", "I652"}, V{"L353", "L331"}},
      {"YD", "340", "340", V{"C349", "J90X", "J939"}, V{"T122", "E491"}},
      {"YF", "301", "100", V{"K566", "C189", "K922"}, V{"G211", "H241"}},
      {"YG", "306", "100", V{"K831", "C240", "K802"}, V{"J373", "J431"}},
      {"YH", "110", "110", V{"M545", "M170", "M255"}, V{"W903", "V544"}},
      {"YJ", "103", "103", V{"C509", "N63X"}, V{"B321", "B375"}},
      {"YL", "101", "101", V{"N132", "N200", "C679"}, V{"M131", "M292"}},
      {"YQ", "107", "107", V{"I702", "I739", "I714", "I839", "I802", "I743"},
       V{"L592", "L591", "L843", "L853", "L541", "L296", "X094"}},
      {"YR", "107", "107", V{"I702", "I739", "I714", "I839"}, V{"L631", "L712", "L541", "L843"}},
  };
  return kTable;
}

}  // namespace

const SubchapterCoding& CodingFor(std::string_view subchapter) {
  const auto& table = Table();
  for (const auto& c : table) {
    if (c.subchapter == subchapter) return c;
  }
  // Paediatric subchapters (PB..PX) share the paediatric entry; other
  // unknown subchapters take their chapter's first entry.
  if (!subchapter.empty()) {
    for (const auto& c : table) {
      if (c.subchapter[0] == subchapter[0]) return c;
    }
  }
  static const SubchapterCoding kGeneral{"", "300", "300", V{"R69X", "R53X", "R104"}, V{}};
  return kGeneral;
}

const std::vector<std::string_view>& ChemotherapyDiagnoses() {
  static const V kCancers = {"C509", "C189", "C349", "C61X", "C20X", "C250", "C56X",
                             "C859", "C900", "C911", "C679", "C159", "C169", "C64X"};
  return kCancers;
}

bool IsSurgicalHrgName(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  static constexpr std::string_view kWords[] = {
      "procedure",   "replacement", "repair",      "excision",     "resection", "surgery", "reconstruct",
      "ectomy",      "otomy",       "plasty",      "insertion",    "transplant", "implant", "fixation",
      "amputation",  "endoscop",    "catheter",    "biopsy",       "arthroscop", "cataract", "ablation",
      "angioplasty", "intervention", "stent",      "bypass",       "release",    "drainage", "lithotripsy"};
  // "with/without interventions" on a medical HRG is not a procedure HRG.
  if (lower.find("disorders") != std::string::npos || lower.find("infections") != std::string::npos) {
    return lower.find("procedure") != std::string::npos;
  }
  for (auto w : kWords) {
    if (lower.find(w) != std::string::npos) return true;
  }
  return false;
}

}  // namespace csu::synth
