// An issued invoice or credit note as a document a person reads: a printable
// HTML page, a plain-text rendering, and an Excel workbook. Every amount comes
// from the stored lines; nothing is recomputed here.
#pragma once

#include <string>

#include "billing/invoice.h"
#include "core/result.h"

namespace csu::billing {

// The style sheet of the invoice page (screen and print). The web server
// serves it as a file, because its pages allow no inline style; a saved page
// embeds it.
const std::string& InvoiceCss();

// A complete HTML document. With `css_href` empty the style sheet is embedded
// (a file to open or print); otherwise it is linked. All text is escaped.
std::string InvoiceHtml(const Invoice& inv, const std::string& css_href);

// The document as text for a terminal.
std::string InvoiceText(const Invoice& inv);

// An XLSX workbook: a sheet with the document's details and lines.
Status WriteInvoiceXlsx(const std::string& path, const Invoice& inv);

}  // namespace csu::billing
