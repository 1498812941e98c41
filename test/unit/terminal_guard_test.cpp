// The background query against a pseudo-terminal whose other end plays the terminal: one
// that answers, one that knows only device attributes, one that says nothing; the line
// settings are put back in every case.
#include "terminal/guard.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <termios.h>
#include <thread>
#include <unistd.h>

namespace {

using redline::cli::query_background;
using clock_type = std::chrono::steady_clock;

class Pty : public testing::Test {
protected:
    void SetUp() override
    {
        master_ = ::posix_openpt(O_RDWR | O_NOCTTY);
        ASSERT_GE(master_, 0);
        ASSERT_EQ(::grantpt(master_), 0);
        ASSERT_EQ(::unlockpt(master_), 0);
        slave_ = ::open(::ptsname(master_), O_RDWR | O_NOCTTY);
        ASSERT_GE(slave_, 0);
        ASSERT_EQ(::tcgetattr(slave_, &before_), 0);
    }
    void TearDown() override
    {
        termios after{};
        ASSERT_EQ(::tcgetattr(slave_, &after), 0);
        EXPECT_EQ(after.c_lflag & (ICANON | ECHO), before_.c_lflag & (ICANON | ECHO)) << "line settings restored";
        ::close(slave_);
        ::close(master_);
    }
    // Plays the terminal: reads the query, then writes `answer`.
    std::thread terminal(std::string answer)
    {
        return std::thread([this, answer] {
            std::string asked;
            char buffer[64];
            while (asked.find("\033[c") == std::string::npos) {
                ssize_t n = ::read(master_, buffer, sizeof buffer);
                if (n <= 0)
                    return;
                asked.append(buffer, static_cast<std::size_t>(n));
            }
            EXPECT_EQ(asked, "\033]11;?\033\\\033[c");
            if (!answer.empty()) {
                EXPECT_EQ(::write(master_, answer.data(), answer.size()), static_cast<ssize_t>(answer.size()));
            }
        });
    }

    int master_ = -1;
    int slave_ = -1;
    termios before_{};
};

TEST_F(Pty, ATerminalThatAnswersGivesItsBackground)
{
    auto t = terminal("\033]11;rgb:1e1e/1e1e/1e1e\033\\\033[?62;22c");
    auto start = clock_type::now();
    EXPECT_EQ(query_background(slave_, 5000), "rgb:1e1e/1e1e/1e1e");
    EXPECT_LT(clock_type::now() - start, std::chrono::seconds(2));
    t.join();
}

TEST_F(Pty, DeviceAttributesAloneEndTheWaitEarly)
{
    auto t = terminal("\033[?1;2c");
    auto start = clock_type::now();
    EXPECT_EQ(query_background(slave_, 5000), std::nullopt);
    EXPECT_LT(clock_type::now() - start, std::chrono::seconds(2));
    t.join();
}

TEST_F(Pty, ASilentTerminalCostsOnlyTheTimeout)
{
    auto t = terminal("");
    auto start = clock_type::now();
    EXPECT_EQ(query_background(slave_, 200), std::nullopt);
    auto took = clock_type::now() - start;
    EXPECT_GE(took, std::chrono::milliseconds(190));
    EXPECT_LT(took, std::chrono::seconds(2));
    // The terminal thread is still waiting for the query's end: it has it, and answers nothing.
    t.join();
}

} // namespace
