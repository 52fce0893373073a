#include "payroll/fps_envelope.h"

#include <openssl/evp.h>

namespace csu::payroll {
namespace {

constexpr std::string_view kEnvelopeNs = "http://www.govtalk.gov.uk/CM/envelope";

// Text content escaped as Canonical XML writes it (&, <, >; quotes as
// they are).
std::string Text(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

}  // namespace

std::string IrmarkOf(std::string_view canonical_body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(canonical_body.data(), canonical_body.size(), digest, &len, EVP_sha1(), nullptr);
  unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  const int n = EVP_EncodeBlock(b64, digest, static_cast<int>(len));
  return std::string(reinterpret_cast<const char*>(b64), static_cast<size_t>(n));
}

Result<FpsSubmission> WriteFpsSubmission(const PayRunResult& run, const std::vector<EmployeePersonal>& people,
                                         const EmployerDetails& employer, const GovTalkSender& sender) {
  if (sender.sender_id.empty()) return MakeError("fps", "sender_id: the Government Gateway user id is missing");
  if (sender.method != "clear" && sender.method != "MD5") {
    return MakeError("fps", "method: '" + sender.method + "' is not clear or MD5");
  }
  CSU_ASSIGN_OR_RETURN(body, WriteFps(run, people, employer));

  // The IRenvelope without its XML declaration, four spaces in, with the
  // IRmark's place after DefaultCurrency (the FPS schema's IRheader order:
  // Keys, PeriodEnd, DefaultCurrency, IRmark, Sender).
  const size_t first = body.find('\n') + 1;
  std::string before = "\n", after;
  bool placed = false;
  for (size_t at = first; at < body.size();) {
    const size_t end = body.find('\n', at);
    if (end == std::string::npos) break;  // WriteFps ends every line
    const std::string_view line = std::string_view(body).substr(at, end - at + 1);
    std::string& into = placed ? after : before;
    into += "    ";
    into += line;
    at = end + 1;
    if (!placed && line.find("<DefaultCurrency>") != std::string_view::npos) {
      placed = true;
      before += std::string(line.find('<') + 4, ' ');  // the IRmark's indentation
      after = "\n";
    }
  }
  if (!placed) return MakeError("fps", "the IRenvelope has no DefaultCurrency to place the IRmark after");
  after += "  ";

  FpsSubmission out;
  // The canonical Body: the envelope's namespace declared on it, the IRmark
  // element gone with the white space around it kept, and text as Canonical
  // XML escapes it (the body escapes ' and " in text; no attribute value
  // written here holds either).
  out.canonical_body = "<Body xmlns=\"" + std::string(kEnvelopeNs) + "\">" + before + after + "</Body>";
  ReplaceAll(out.canonical_body, "&apos;", "'");
  ReplaceAll(out.canonical_body, "&quot;", "\"");
  out.irmark = IrmarkOf(out.canonical_body);

  std::string& x = out.xml;
  x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<GovTalkMessage xmlns=\"" + std::string(kEnvelopeNs) + "\">\n";
  x += "  <EnvelopeVersion>2.0</EnvelopeVersion>\n";
  x += "  <Header>\n";
  x += "    <MessageDetails>\n";
  x += "      <Class>HMRC-PAYE-RTI-FPS</Class>\n";
  x += "      <Qualifier>request</Qualifier>\n";
  x += "      <Function>submit</Function>\n";
  x += "      <CorrelationID></CorrelationID>\n";
  x += "      <Transformation>XML</Transformation>\n";
  x += std::string("      <GatewayTest>") + (sender.gateway_test ? "1" : "0") + "</GatewayTest>\n";
  x += "    </MessageDetails>\n";
  x += "    <SenderDetails>\n";
  x += "      <IDAuthentication>\n";
  x += "        <SenderID>" + Text(sender.sender_id) + "</SenderID>\n";
  x += "        <Authentication>\n";
  x += "          <Method>" + sender.method + "</Method>\n";
  x += "          <Value>" + Text(sender.value) + "</Value>\n";
  x += "        </Authentication>\n";
  x += "      </IDAuthentication>\n";
  x += "    </SenderDetails>\n";
  x += "  </Header>\n";
  x += "  <GovTalkDetails>\n";
  x += "    <Keys>\n";
  x += "      <Key Type=\"TaxOfficeNumber\">" + Text(employer.tax_office_number) + "</Key>\n";
  x += "      <Key Type=\"TaxOfficeReference\">" + Text(employer.tax_office_reference) + "</Key>\n";
  x += "    </Keys>\n";
  x += "  </GovTalkDetails>\n";
  x += "  <Body>" + before + "<IRmark Type=\"generic\">" + out.irmark + "</IRmark>" + after + "</Body>\n";
  x += "</GovTalkMessage>\n";
  return out;
}

}  // namespace csu::payroll
