#include "parallax/util/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

namespace parallax {
namespace {

TEST(ThreadPool, RunsAllTasksAndReturnsResults) {
  ThreadPool pool(2);
  std::vector<std::future<int>> results;
  for (int i = 0; i < 100; ++i) {
    results.push_back(pool.Submit([i] { return i * i; }));
  }
  for (int i = 0; i < 100; ++i) EXPECT_EQ(results[i].get(), i * i);
}

TEST(ThreadPool, ExceptionsReachTheCaller) {
  ThreadPool pool(1);
  auto result = pool.Submit([]() -> int { throw std::runtime_error("boom"); });
  EXPECT_THROW(result.get(), std::runtime_error);
}

TEST(ThreadPool, DestructorFinishesQueuedTasks) {
  std::atomic<int> count{0};
  {
    ThreadPool pool(2);
    for (int i = 0; i < 50; ++i) pool.Submit([&count] { ++count; });
  }
  EXPECT_EQ(count.load(), 50);
}

// Every index runs once; the first error stops the rest and is rethrown.
TEST(ParallelFor, RunsEachIndexOnceAndStopsAtTheFirstError) {
  std::vector<std::atomic<int>> runs(1000);
  ParallelFor(runs.size(), 3, [&](size_t k) { ++runs[k]; });
  for (const std::atomic<int>& r : runs) EXPECT_EQ(r.load(), 1);

  std::atomic<int> started{0};
  EXPECT_THROW(ParallelFor(1000, 3,
                           [&](size_t k) {
                             ++started;
                             if (k == 10) throw std::runtime_error("ten");
                           }),
               std::runtime_error);
  EXPECT_LT(started.load(), 1000);
  ParallelFor(0, 4, [](size_t) { FAIL(); });  // nothing to run
}

}  // namespace
}  // namespace parallax
