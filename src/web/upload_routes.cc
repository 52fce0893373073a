// Uploading activity extracts through the web (docs/web.md, "Uploading
// extracts"): the form on the data-loads page, the POST that saves the file
// and starts a job, the job page that refreshes until the file is loaded,
// and its JSON twin. The load is load::LoadExtract, the code path of
// `csu ingest`; when it commits, the server loads and prices the state
// folder again and swaps the new activity in (Impl::SwapActivity).
#include <fcntl.h>
#include <cstdio>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

#include "http/multipart.h"
#include "ingest/file_ingester.h"
#include "web/templates.h"
#include "web/web_app_impl.h"

namespace csu::web {
namespace {

bool Finished(const std::string& stage) { return stage == "done" || stage == "refused" || stage == "failed"; }

// The uploaded file's name as the batch records it: its base name, kept to
// letters, digits, '.', '-' and '_' (a name is a path component on disk).
std::string SafeFileName(std::string_view sent) {
  const size_t slash = sent.find_last_of("/\\");
  if (slash != std::string_view::npos) sent.remove_prefix(slash + 1);
  std::string out;
  for (char ch : sent) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                    ch == '-' || ch == '_';
    out.push_back(ok ? ch : '_');
    if (out.size() == 100) break;
  }
  if (out.empty() || out[0] == '.') out = "upload" + out;
  return out;
}

// Messages name the file as the user knows it, not the folder it waited in.
std::string WithoutDir(std::string text, const std::string& dir) {
  const std::string prefix = dir + "/";
  for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) text.erase(at, prefix.size());
  return text;
}

Status WriteNewFile(const std::string& path, std::string_view data) {
  // 0600: an extract holds NHS numbers and dates of birth until it is loaded.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return MakeError("upload", "the file could not be saved on the server");
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return MakeError("upload", "the file could not be saved on the server (is the disk full?)");
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return MakeError("upload", "the file could not be saved on the server");
  return Status::Ok();
}

std::string SizeText(size_t bytes) { return WithThousands(static_cast<int64_t>(bytes >> 20)) + " MiB"; }

}  // namespace

void WebApp::SwapActivity(LoadedActivity loaded) { impl_->SwapActivity(std::move(loaded)); }

void WebApp::EnableUploads(UploadAccess uploads) {
  // Files a stopped server left mid-load: never loaded, so never kept.
  std::error_code ec;
  std::filesystem::remove_all(uploads.data_dir + "/uploads", ec);
  if (uploads.current.views) impl_->SwapActivity(std::move(uploads.current));
  uploads.current = {};
  impl_->uploads = std::move(uploads);
}

WebApp::Impl::~Impl() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(jobs_mu);
    threads.swap(job_threads);
  }
  for (std::thread& t : threads) t.join();
}

std::string WebApp::Impl::UploadFormHtml(const Caller& c) const {
  if (!uploads.with_store || c.session_token.empty()) return "";
  const std::vector<std::pair<std::string, std::string>> kinds = {
      {"apc", "Admitted patient care (spells)"}, {"op", "Outpatients (appointments)"}, {"ae", "A&E (attendances)"}};
  std::string fields = CsrfField(CsrfTokenFor(c.session_token));
  fields += SelectField("upload-kind", "kind", "Kind of extract", kinds, "apc");
  fields += InputField("upload-file", "file", "Extract file (CSV)", "file", "", "required accept=\".csv,text/csv\"");
  fields += InputField("upload-no-nhs", "no_nhs_numbers", "The extract has no NHS numbers (every patient unknown)",
                       "checkbox", "1");
  fields += InputField("upload-truncated", "accept_truncated",
                       "The file is complete although its last row is cut off (that row is quarantined)", "checkbox",
                       "1");
  TemplateData d;
  d.set("fields_html", fields);
  d.set("max_size", SizeText(uploads.max_upload_bytes));
  TemplateData list{TemplateData::type::list};
  {
    std::lock_guard<std::mutex> lock(jobs_mu);
    for (auto it = jobs.rbegin(); it != jobs.rend(); ++it) {
      const UploadJob& job = *it->second;
      TemplateData row;
      row.set("id", std::to_string(job.id));
      row.set("file", job.file_name);
      row.set("kind", job.kind);
      row.set("by", job.by.who.username);
      std::lock_guard<std::mutex> job_lock(job.mu);
      row.set("stage", job.stage);
      list.push_back(row);
    }
  }
  if (!list.is_empty_list()) d.set("has_jobs", true);
  d.set("jobs", list);
  return RenderTemplate("upload_form", d);
}

Response WebApp::Impl::Upload(const Request& r, const Caller& c) const {
  if (!uploads.with_store || !CsuWide(c, Action::kLoadData)) return NotFound(c);
  auto refuse = [&](int status, const std::string& why) {
    PageFrame f = Frame(c, "Upload an extract", "Nothing was loaded");
    f.nav = CsuNav(c, "data");
    return Response::Html(status, RenderPage(f, NoticePanel(why, true) + UploadFormHtml(c)));
  };
  // A form from a signed-in browser only: an API token has no session and
  // so no anti-forgery value (docs/web.md, "CSRF").
  if (c.session_token.empty()) return refuse(403, "Uploads come from the data-loads page's form.");
  const std::string content_type(r.headers.Get("content-type").value_or(""));
  auto parts = http::ParseMultipart(content_type, r.body);
  if (!parts.ok()) return refuse(400, "The upload could not be read: " + parts.error().why + ".");
  std::map<std::string, const http::FormPart*> by_name;
  for (const http::FormPart& p : parts.value()) by_name.emplace(p.name, &p);
  auto field = [&](const char* name) {
    auto it = by_name.find(name);
    return it == by_name.end() ? std::string_view() : it->second->data;
  };
  const std::string csrf(field("csrf"));
  if (csrf.empty() || !tenancy::ConstantTimeEquals(csrf, CsrfTokenFor(c.session_token)))
    return refuse(403, "The form had expired. Please choose the file again and upload it.");
  auto kind = ingest::ParseKind(field("kind"));
  if (!kind.ok()) return refuse(400, "Choose the kind of extract: admitted patient care, outpatients or A&E.");
  auto file = by_name.find("file");
  if (file == by_name.end() || file->second->data.empty())
    return refuse(400, "Choose a file to upload (it was missing or empty).");
  ingest::IngestOptions ingest_options;
  ingest_options.no_nhs_numbers = !field("no_nhs_numbers").empty();
  const bool accept_truncated = !field("accept_truncated").empty();

  auto job = std::make_shared<UploadJob>();
  job->by = c;
  job->file_name = SafeFileName(file->second->filename);
  job->kind = std::string(ingest::KindName(kind.value()));
  job->started_at = store::Env::Default().NowUtc();
  auto nonce = tenancy::RandomBytes(8);
  if (!nonce.ok()) return refuse(500, "The upload could not be started; please try again.");
  {
    std::lock_guard<std::mutex> lock(jobs_mu);
    job->id = next_job++;
  }
  std::string hex;
  for (unsigned char ch : nonce.value()) {
    static const char* digits = "0123456789abcdef";
    hex += digits[ch >> 4], hex += digits[ch & 15];
  }
  const std::string dir = uploads.data_dir + "/uploads/" + std::to_string(job->id) + "-" + hex;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  ::chmod((uploads.data_dir + "/uploads").c_str(), 0700);
  const std::string path = dir + "/" + job->file_name;
  if (Status s = ec ? MakeError("upload", "no folder") : WriteNewFile(path, file->second->data); !s.ok()) {
    std::filesystem::remove_all(dir, ec);
    return refuse(500, "The file could not be saved on the server (is the disk full?); nothing was loaded.");
  }
  {
    std::lock_guard<std::mutex> lock(jobs_mu);
    jobs.emplace(job->id, job);
    job_threads.emplace_back([this, job, dir, path, ingest_options, accept_truncated] {
      RunUpload(job, dir, path, ingest_options, accept_truncated);
    });
  }
  return Redirect("/data/uploads/" + std::to_string(job->id));
}

void WebApp::Impl::RunUpload(const std::shared_ptr<UploadJob>& job, const std::string& dir, const std::string& path,
                             const ingest::IngestOptions& ingest_options, bool accept_truncated) const {
  auto stage = [&](const char* s) {
    std::lock_guard<std::mutex> lock(job->mu);
    job->stage = s;
  };
  auto finish = [&](const char* s, std::string problem, load::LoadOutcome outcome) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    nlohmann::json details = {{"upload", job->id}, {"file", job->file_name}, {"kind", job->kind}};
    if (outcome.kind == load::LoadOutcome::Kind::kLoaded || outcome.kind == load::LoadOutcome::Kind::kAlreadyLoaded)
      details["batch"] = outcome.batch.id;
    if (outcome.kind == load::LoadOutcome::Kind::kLoaded) {
      details["rows_read"] = outcome.report.rows_read;
      details["accepted"] = outcome.report.accepted;
      details["quarantined"] = outcome.report.quarantined;
    }
    if (!problem.empty()) details["problem"] = problem;
    const std::string action = std::string("upload.") + (std::string(s) == "done" ? "load" : s);
    const std::string subject = outcome.kind == load::LoadOutcome::Kind::kLoaded
                                    ? "batch " + std::to_string(outcome.batch.id)
                                    : job->file_name;
    // The batch's own "ingest" entry is written with the batch; this one
    // says it came through the web and how the upload ended.
    (void)Audit(job->by, action, subject, details);
    std::lock_guard<std::mutex> lock(job->mu);
    job->stage = s;
    job->problem = std::move(problem);
    job->outcome = std::move(outcome);
  };
  std::lock_guard<std::mutex> one_at_a_time(upload_run_mu);
  stage("checking");
  auto kind = ingest::ParseKind(job->kind);
  auto summary = ingest::SummariseExtract(path, kind.value(), ingest_options);
  if (!summary.ok()) return finish("refused", WithoutDir(summary.error().ToString(), dir), {});
  stage("reading");
  load::LoadRequest request;
  request.path = path;
  request.kind = kind.value();
  request.options = ingest_options;
  request.accept_truncated = accept_truncated;
  request.file_name = job->file_name;
  request.actor = job->by.who.username;
  request.meter_actor = "web:" + job->by.who.username;
  std::optional<Result<load::LoadOutcome>> loaded;
  auto run = [&]() -> Status {
    loaded.emplace(load::LoadExtract(uploads.with_store, *uploads.ref, *uploads.pseudonymiser, *uploads.meter, request,
                                     summary.value(), nullptr, &job->counters));
    return loaded->ok() ? Status::Ok() : Status(loaded->error());
  };
  const Status ran = uploads.as_ingest_job ? uploads.as_ingest_job(run) : run();
  if (!loaded) return finish("failed", WithoutDir(ran.error().ToString(), dir), {});
  if (!loaded->ok()) return finish("failed", WithoutDir(loaded->error().ToString(), dir), {});
  load::LoadOutcome outcome = std::move(*loaded).value();
  if (!ran.ok() && outcome.kind == load::LoadOutcome::Kind::kLoaded) {
    // Loaded here, but not in the database yet: this node publishes it at
    // its next round (docs/server-mode.md); the other nodes show it then.
    std::fprintf(stderr, "csu: batch %lld loaded but not yet published: %s\n",
                 static_cast<long long>(outcome.batch.id), ran.error().ToString().c_str());
  }
  if (outcome.kind == load::LoadOutcome::Kind::kRefused) {
    std::string why = WithoutDir(outcome.refusal, dir);  // before the outcome moves
    return finish("refused", std::move(why), std::move(outcome));
  }
  if (outcome.kind == load::LoadOutcome::Kind::kLoaded) {
    stage("refreshing");
    auto fresh = uploads.reload();
    if (!fresh.ok()) {
      std::string why = "loaded as batch " + std::to_string(outcome.batch.id) +
                        ", but the pages could not load it (" + fresh.error().ToString() +
                        "); they show it after the server is restarted";
      return finish("failed", std::move(why), std::move(outcome));
    }
    SwapActivity(std::move(fresh).value());
  }
  finish("done", "", std::move(outcome));
}

nlohmann::json WebApp::Impl::UploadJson(const UploadJob& job) const {
  std::lock_guard<std::mutex> lock(job.mu);
  nlohmann::json j = {{"id", job.id},         {"file", job.file_name}, {"kind", job.kind},
                      {"by", job.by.who.username}, {"started_at", job.started_at}, {"stage", job.stage},
                      {"finished", Finished(job.stage)}};
  const load::LoadOutcome& o = job.outcome;
  if (job.stage == "done" || (job.stage == "failed" && o.kind == load::LoadOutcome::Kind::kLoaded)) {
    j["already_loaded"] = o.kind == load::LoadOutcome::Kind::kAlreadyLoaded;
    j["batch_id"] = o.batch.id;
    if (o.kind == load::LoadOutcome::Kind::kLoaded) {
      j["rows_read"] = o.report.rows_read;
      j["accepted"] = o.report.accepted;
      j["quarantined"] = o.report.quarantined;
      j["quarantined_by_reason"] = o.report.quarantined_by_reason;
      j["restated"] = o.batch.records_restated;
      j["without_nhs_number"] = o.report.without_nhs_number;
      j["warnings"] = o.report.warnings;
      if (!o.meter_error.empty()) j["not_metered"] = true;
    }
  } else {
    const int64_t accepted = job.counters.accepted.load(std::memory_order_relaxed);
    const int64_t quarantined = job.counters.quarantined.load(std::memory_order_relaxed);
    j["rows_read"] = accepted + quarantined;
    j["accepted"] = accepted;
    j["quarantined"] = quarantined;
  }
  if (!job.problem.empty()) j["problem"] = job.problem;
  return j;
}

namespace {
std::shared_ptr<WebApp::Impl::UploadJob> FindJob(const WebApp::Impl& app, const Request& r) {
  const std::string id(r.PathParam("job"));
  if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) return nullptr;
  std::lock_guard<std::mutex> lock(app.jobs_mu);
  auto it = app.jobs.find(std::stoll(id));
  return it == app.jobs.end() ? nullptr : it->second;
}
}  // namespace

Response WebApp::Impl::UploadPage(const Request& r, const Caller& c) const {
  if (!uploads.with_store || !CsuWide(c, Action::kLoadData)) return NotFound(c);
  auto job = FindJob(*this, r);
  if (!job) return NotFound(c);
  const nlohmann::json j = UploadJson(*job);
  const std::string stage = j["stage"];
  PageFrame f = Frame(c, "Upload: " + job->file_name,
                      FriendlyText("kind", job->kind) + " extract, uploaded by " + job->by.who.username + " at " +
                          UkTime(job->started_at));
  f.nav = CsuNav(c, "data");
  using report::Cell;
  using report::ColumnType;
  std::string tables;
  report::ReportTable progress("Rows", {{"what", ColumnType::kText, "Rows"}, {"rows", ColumnType::kCount, "Count"}});
  progress.AddRow({Cell::Text("Read"), Cell::Count(j.value("rows_read", int64_t{0}))});
  progress.AddRow({Cell::Text("Accepted"), Cell::Count(j.value("accepted", int64_t{0}))});
  progress.AddRow({Cell::Text("Quarantined"), Cell::Count(j.value("quarantined", int64_t{0}))});
  if (j.contains("restated")) progress.AddRow({Cell::Text("Restated"), Cell::Count(j["restated"].get<int64_t>())});
  std::string notice, stage_text;
  if (stage == "done" && j.value("already_loaded", false)) {
    notice = NoticePanel("This file was already loaded as batch " + std::to_string(j["batch_id"].get<int64_t>()) +
                             " (the same content); nothing new was loaded.",
                         false);
  } else if (stage == "done") {
    notice = NoticePanel("Loaded as batch " + std::to_string(j["batch_id"].get<int64_t>()) +
                             "; the pages now show it.",
                         false);
  } else if (stage == "refused") {
    notice = NoticePanel("Refused: " + j["problem"].get<std::string>() + ". Nothing was loaded.", true);
  } else if (stage == "failed") {
    notice = NoticePanel("Failed: " + j["problem"].get<std::string>() + ".", true);
  } else {
    static const std::map<std::string, std::string> kStages = {
        {"waiting", "Waiting for the upload before it to finish."},
        {"checking", "Checking the file as a whole."},
        {"reading", "Reading, checking and pseudonymising the rows."},
        {"refreshing", "Loaded; the pages are being refreshed with the new figures."}};
    const auto it = kStages.find(stage);
    stage_text = (it == kStages.end() ? stage : it->second) + " This page refreshes itself until it is done.";
  }
  if (stage != "refused") tables += TableHtml(progress);
  if (j.contains("quarantined_by_reason") && !j["quarantined_by_reason"].empty()) {
    report::ReportTable q("Quarantined rows by reason",
                          {{"reason", ColumnType::kText, "Reason"}, {"rows", ColumnType::kCount, "Rows"}});
    for (const auto& [reason, n] : j["quarantined_by_reason"].items()) q.AddRow({Cell::Text(reason), Cell::Count(n.get<int64_t>())});
    tables += TableHtml(q);
    tables += "<p>The rows themselves (identifiers masked) are listed by <code>csu quarantine</code>.</p>";
  }
  if (j.contains("warnings"))
    for (const auto& w : j["warnings"]) tables += NoticePanel("Warning: " + w.get<std::string>(), false);
  TemplateData d;
  d.set("notice_html", notice);
  d.set("stage_text", stage_text);
  d.set("tables_html", tables);
  d.set("json_href", "/api/v1/data/uploads/" + std::to_string(job->id));
  Response resp = Response::Html(200, RenderPage(f, RenderTemplate("upload_job", d)));
  // Refreshed by the browser while the job runs: no script needed.
  if (!Finished(stage)) resp.SetHeader("Refresh", "1");
  return resp;
}

Response WebApp::Impl::ApiUpload(const Request& r, const Caller& c) const {
  if (!uploads.with_store || !CsuWide(c, Action::kLoadData)) return ApiNotFound();
  auto job = FindJob(*this, r);
  if (!job) return ApiNotFound();
  return Response::Json(200, UploadJson(*job).dump());
}

}  // namespace csu::web
