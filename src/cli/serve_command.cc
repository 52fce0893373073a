// `csu serve --data DIR [--listen 127.0.0.1:8080]`: runs the web platform's
// HTTP server on a state folder until SIGTERM or SIGINT, then drains it
// (docs/http.md). For now it serves GET /healthz only; pages and the API are
// registered here as the web module lands.
#include <CLI/CLI.hpp>

#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "cli/command.h"
#include "cli/state.h"
#include "http/router.h"
#include "http/server.h"

namespace csu::cli {
namespace {

struct ServeArgs {
  StateArgs state;
  std::string listen = "127.0.0.1:8080";
  bool quiet = false;
};

int Serve(const Context& ctx, const ServeArgs& args) {
  auto listen = http::ParseListenAddress(args.listen);
  if (!listen.ok()) {
    PrintError("--listen: " + listen.error().ToString());
    return kExitUsage;
  }
  // A server only reads what was loaded: it must never create a state
  // folder, as opening the store would in an existing but empty directory
  // (a mistyped --data would otherwise serve an empty platform).
  struct stat st {};
  const std::string catalog = args.state.data_dir + "/catalog.sqlite";
  if (::stat(args.state.data_dir.c_str(), &st) == 0 && ::stat(catalog.c_str(), &st) != 0) {
    PrintError(args.state.data_dir + ": not a state folder (no catalog.sqlite); load data first with 'csu ingest --data " +
               args.state.data_dir + "'");
    return kExitFailure;
  }
  // Opening the state folder now (reference data, key, catalog) makes a
  // misconfigured deployment fail at start, not on its first page.
  auto state = OpenOrPrint(ctx, args.state);
  if (!state) return kExitFailure;

  http::Router router;
  router.Add(http::Method::kGet, "/healthz",
             [](const http::Request&) { return http::Response::Json(200, "{\"status\":\"ok\"}"); });

  // Block the stop signals before any thread starts, so every server thread
  // inherits the mask and the signals queue on the signalfd read below
  // instead of interrupting a thread at an arbitrary point.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  if (pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr) != 0) {
    PrintError("cannot block SIGTERM/SIGINT");
    return kExitFailure;
  }
  int sfd = ::signalfd(-1, &stop_signals, SFD_CLOEXEC);
  if (sfd < 0) {
    PrintError("cannot create a signalfd");
    return kExitFailure;
  }

  http::ServerOptions options;
  options.address = listen.value().first;
  options.port = listen.value().second;
  if (args.quiet) options.access_log = nullptr;  // stderr otherwise, the default
  http::Server server(options, [&router](http::Request& r) { return router.Dispatch(r); });
  if (Status s = server.Start(); !s.ok()) {
    PrintError(s.error().ToString());
    ::close(sfd);
    return kExitFailure;
  }
  const std::string host = options.address.find(':') != std::string::npos ? "[" + options.address + "]"
                                                                             : options.address;
  std::printf("csu: serving %s on http://%s:%u/ (stop with Ctrl-C or SIGTERM)\n", args.state.data_dir.c_str(),
              host.c_str(), static_cast<unsigned>(server.port()));
  std::fflush(stdout);

  signalfd_siginfo info{};
  while (true) {
    ssize_t n = ::read(sfd, &info, sizeof(info));
    if (n == static_cast<ssize_t>(sizeof(info))) break;
    if (n < 0 && errno == EINTR) continue;
    break;  // cannot happen with a valid signalfd; stop rather than spin
  }
  ::close(sfd);
  std::fprintf(stderr, "csu: %s received; finishing requests in flight\n",
               info.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
  server.Stop();
  std::fprintf(stderr, "csu: stopped\n");
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "Run the web server on a state folder until SIGTERM or Ctrl-C");
  AddStateOptions(cmd, args->state);
  cmd->add_option("--listen", args->listen, "Address and port to listen on (port 0: any free port)")
      ->capture_default_str();
  cmd->add_flag("--quiet", args->quiet, "No access log on stderr");
  cmd->callback([&ctx, args] { ctx.action = [&ctx, args] { return Serve(ctx, *args); }; });
}

}  // namespace csu::cli
