// Tests how subcommands join the command line: each registered pair of define and run
// functions is parsed into its own options and run only when chosen, and the table lists
// every subcommand of redline in the order --help shows them.
#include "app/app.hpp"
#include "app/command_registry.hpp"
#include "commands/command_table.hpp"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using redline::cli::CommandContext;
using redline::cli::CommandRegistry;
using redline::cli::GlobalOptions;

struct GreetOptions {
    std::string name;
    int code = 0;
};

struct Seen {
    std::vector<std::string> ran;
    std::string name;
    bool verbose = false;
};
Seen seen;

CLI::App *define_greet(CLI::App &app, GreetOptions &options)
{
    CLI::App *sub = app.add_subcommand("greet", "Greet someone");
    sub->add_option("NAME", options.name)->required();
    sub->add_option("--code", options.code);
    return sub;
}

int run_greet(const GreetOptions &options, const CommandContext &context)
{
    seen.ran.push_back("greet");
    seen.name = options.name;
    seen.verbose = context.global.verbose;
    return options.code;
}

struct QuietOptions {};

CLI::App *define_quiet(CLI::App &app, QuietOptions &) { return app.add_subcommand("quiet", "Say nothing"); }

int run_quiet(const QuietOptions &, const CommandContext &)
{
    seen.ran.push_back("quiet");
    return 0;
}

struct Fixture : testing::Test {
    GlobalOptions global;
    CLI::App app;
    CommandRegistry registry{app};

    void SetUp() override
    {
        seen = Seen{};
        redline::cli::define_app(app, global);
        registry.add(define_greet, run_greet);
        registry.add(define_quiet, run_quiet);
    }
};

using Registry = Fixture;

TEST_F(Registry, TheChosenCommandRunsWithItsOwnOptions)
{
    app.parse(std::string("greet alice --code 7"));
    EXPECT_EQ(registry.run_chosen(global), 7);
    EXPECT_EQ(seen.ran, std::vector<std::string>{"greet"});
    EXPECT_EQ(seen.name, "alice");
}

TEST_F(Registry, OnlyTheChosenCommandRuns)
{
    app.parse(std::string("quiet"));
    EXPECT_EQ(registry.run_chosen(global), 0);
    EXPECT_EQ(seen.ran, std::vector<std::string>{"quiet"});
}

TEST_F(Registry, NothingRunsWhenNoCommandWasChosen)
{
    app.parse(std::string("--verbose"));
    EXPECT_EQ(registry.run_chosen(global), std::nullopt);
    EXPECT_TRUE(seen.ran.empty());
}

TEST_F(Registry, TheHandlerSeesTheGlobalOptions)
{
    app.parse(std::string("greet bob --verbose"));
    registry.run_chosen(global);
    EXPECT_TRUE(seen.verbose);
}

TEST_F(Registry, ACommandsOwnOptionsAreCheckedWhileParsing)
{
    EXPECT_THROW(app.parse(std::string("greet")), CLI::RequiredError);
}

TEST(CommandTable, RegistersEverySubcommandInHelpOrder)
{
    GlobalOptions global;
    CLI::App app;
    redline::cli::define_app(app, global);
    CommandRegistry registry(app);
    redline::cli::register_commands(registry);
    std::vector<std::string> names;
    for (const CLI::App *sub : app.get_subcommands([](const CLI::App *) { return true; }))
        names.push_back(sub->get_name());
    EXPECT_EQ(names, (std::vector<std::string>{"keygen", "profile", "token", "connect", "enroll", "status", "doctor",
                                               "approve", "request", "audit"}));
}

} // namespace
