// The FPS as it is sent: the IRenvelope of fps_xml.h, with its IRmark,
// inside HMRC's GovTalk transport envelope (GovTalkMessage: EnvelopeVersion,
// Header with the message details and the sender, GovTalkDetails with the
// employer's keys, Body). Layout and sources: docs/formats/rti-fps-v1.md,
// "Transport envelope and IRmark".
//
// The IRmark is HMRC's digest of what was sent: the Body element, with the
// namespace declarations of GovTalkMessage copied onto it and the IRmark
// element removed (the white space around it kept), canonicalised (W3C
// Canonical XML 1.0), SHA-1, base64. The envelope here is written already in
// canonical form apart from two escapes, so the canonical Body is worked out
// from the text written rather than by parsing it back.
//
// Nothing is sent from here, and the sender's credential is the caller's:
// it is written into the message as given and never logged.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "payroll/fps_xml.h"

namespace csu::payroll {

struct GovTalkSender {
  std::string sender_id;              // the Government Gateway user id
  std::string method = "clear";       // Authentication Method: "clear" or "MD5"
  std::string value;                  // the password, or its MD5 form for "MD5"
  bool gateway_test = true;           // GatewayTest 1 (a test submission) or 0
};

struct FpsSubmission {
  std::string xml;             // the GovTalkMessage
  std::string irmark;          // base64 of the SHA-1, as in the IRmark element
  std::string canonical_body;  // what the IRmark is the digest of
};

// The run's FPS in its envelope. Errors are WriteFps's, or a sender without
// an id, a method other than clear or MD5.
Result<FpsSubmission> WriteFpsSubmission(const PayRunResult& run, const std::vector<EmployeePersonal>& people,
                                         const EmployerDetails& employer, const GovTalkSender& sender);

// base64(SHA-1(bytes)): the IRmark of a canonical Body.
std::string IrmarkOf(std::string_view canonical_body);

}  // namespace csu::payroll
