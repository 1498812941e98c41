// Tests the one place a run of redline ends: every kind of failure becomes its exit code and
// one line on stderr, and nothing escapes.
#include "app/app.hpp"
#include "app/command_refusal.hpp"
#include "app/exit_codes.hpp"
#include "app/exit_guard.hpp"
#include "presence/gate.hpp"
#include "server/query.hpp"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

using redline::cli::ColorMode;
using redline::cli::CommandRefusal;
using redline::cli::GlobalOptions;

struct Ended {
    int code;
    std::string out;
    std::string err;
};

// Runs `body` as main() does, with colour off unless `color` says otherwise.
template <class Body>
Ended guarded(Body body, ColorMode color = ColorMode::never)
{
    GlobalOptions global;
    global.color = color;
    CLI::App app;
    redline::cli::define_app(app, global);
    app.add_subcommand("status")->add_option("PROFILE")->required();
    testing::internal::CaptureStdout();
    testing::internal::CaptureStderr();
    int code = redline::cli::run_guarded(app, global, [&] { return body(app); });
    std::string out = testing::internal::GetCapturedStdout();
    return Ended{code, out, testing::internal::GetCapturedStderr()};
}

TEST(ExitGuard, ReturnsTheBodysOwnExitCode)
{
    Ended e = guarded([](CLI::App &) { return 0; });
    EXPECT_EQ(e.code, 0);
    EXPECT_EQ(e.err, "");
    EXPECT_EQ(guarded([](CLI::App &) { return 42; }).code, 42);
}

TEST(ExitGuard, ARefusalEndsWithItsOwnCodeAndOneLine)
{
    Ended e = guarded([](CLI::App &) -> int {
        throw CommandRefusal(redline::cli::exit_environment_differs, "profile prod says production");
    });
    EXPECT_EQ(e.code, 3);
    EXPECT_EQ(e.err, "redline: profile prod says production\n");
}

TEST(ExitGuard, ARefusalShowsTheStatementToRunOnASecondLine)
{
    Ended e = guarded([](CLI::App &) -> int {
        throw CommandRefusal(redline::cli::exit_server_refused, "the server refused the enrolment", false,
                             "SELECT redline.enroll_key('alice', 'k4.public.x', 'laptop');");
    });
    EXPECT_EQ(e.code, 5);
    EXPECT_EQ(e.err, "redline: the server refused the enrolment\n"
                     "  SELECT redline.enroll_key('alice', 'k4.public.x', 'laptop');\n");
}

TEST(ExitGuard, ADangerousRefusalIsInTheDangerColourOnlyWhenColourIsOn)
{
    auto wrong_server = [](CLI::App &) -> int { throw CommandRefusal(3, "wrong server", true); };
    Ended plain = guarded(wrong_server, ColorMode::never);
    EXPECT_EQ(plain.err, "redline: wrong server\n");
    Ended colored = guarded(wrong_server, ColorMode::always);
    EXPECT_EQ(colored.code, 3);
    EXPECT_NE(colored.err, plain.err);
    EXPECT_NE(colored.err.find("\x1b["), std::string::npos) << colored.err;
    EXPECT_NE(colored.err.find("redline: wrong server"), std::string::npos) << colored.err;
}

TEST(ExitGuard, AFailedPersonCheckEndsWithItsCode)
{
    Ended e = guarded([](CLI::App &) -> int {
        throw redline::cli::PresenceRefused(redline::cli::exit_not_confirmed, "what was typed is not \"production\"");
    });
    EXPECT_EQ(e.code, 4);
    EXPECT_EQ(e.err, "redline: what was typed is not \"production\"\n");
}

TEST(ExitGuard, AServersErrorEndsWithOneAndWhatTheServerSaid)
{
    Ended e = guarded([](CLI::App &) -> int {
        throw redline::cli::QueryError("42501", "permission denied for table audit_log", "", "");
    });
    EXPECT_EQ(e.code, 1);
    EXPECT_EQ(e.err, "redline: permission denied for table audit_log\n");
}

TEST(ExitGuard, AnyOtherErrorEndsWithOneAndItsMessage)
{
    Ended e = guarded([](CLI::App &) -> int { throw std::runtime_error("cannot read /nowhere/config.toml"); });
    EXPECT_EQ(e.code, 1);
    EXPECT_EQ(e.err, "redline: cannot read /nowhere/config.toml\n");
}

TEST(ExitGuard, SomethingThatIsNotAnExceptionEndsWithOne)
{
    Ended e = guarded([](CLI::App &) -> int { throw 42; });
    EXPECT_EQ(e.code, 1);
    EXPECT_EQ(e.err, "redline: unexpected error\n");
}

TEST(ExitGuard, AMistakeOnTheCommandLineIsOneLineAndAHundredOrMore)
{
    Ended e = guarded([](CLI::App &app) {
        app.parse(std::string("status"));
        return 0;
    });
    EXPECT_GE(e.code, 100);
    EXPECT_NE(e.err.find("(see redline --help)"), std::string::npos) << e.err;
    EXPECT_EQ(e.err.find('\n'), e.err.size() - 1) << e.err;
}

TEST(ExitGuard, HelpIsNotAFailure)
{
    Ended e = guarded([](CLI::App &app) {
        app.parse(std::string("--help"));
        return 1;
    });
    EXPECT_EQ(e.code, 0);
    EXPECT_NE(e.out.find("redline"), std::string::npos);
    EXPECT_EQ(e.err, "");
}

} // namespace
