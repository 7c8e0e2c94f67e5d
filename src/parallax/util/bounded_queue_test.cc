#include "parallax/util/bounded_queue.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace parallax {
namespace {

TEST(BoundedQueueTest, KeepsOrderAcrossThreadsAndBoundsTheProducer) {
  BoundedQueue<int> queue(3);
  std::atomic<int> pushed{0};
  std::thread producer([&] {
    for (int i = 0; i < 1000; ++i) {
      ASSERT_TRUE(queue.Push(i));
      ++pushed;
    }
    queue.Close();
  });
  // The consumer has not started: the producer stops at the capacity.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(pushed.load(), 3);
  std::vector<int> seen;
  while (std::optional<int> item = queue.Pop()) seen.push_back(*item);
  producer.join();
  ASSERT_EQ(seen.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(seen[size_t(i)], i);
}

TEST(BoundedQueueTest, CloseDrainsAbortDropsAndUnblocks) {
  BoundedQueue<int> drained(4);
  drained.Push(1);
  drained.Push(2);
  drained.Close();
  EXPECT_FALSE(drained.Push(3));
  EXPECT_EQ(drained.Pop(), 1);
  EXPECT_EQ(drained.Pop(), 2);
  EXPECT_EQ(drained.Pop(), std::nullopt);

  BoundedQueue<int> full(1);
  full.Push(1);
  std::thread blocked([&] { EXPECT_FALSE(full.Push(2)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(full.aborted());
  full.Abort();  // wakes the waiting producer
  blocked.join();
  EXPECT_TRUE(full.aborted());
  EXPECT_EQ(full.Pop(), std::nullopt);  // what it held is dropped

  BoundedQueue<int> empty(1);
  std::thread waiting([&] { EXPECT_EQ(empty.Pop(), std::nullopt); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  empty.Abort();  // wakes the waiting consumer
  waiting.join();
}

}  // namespace
}  // namespace parallax
