// dlms::Fifo: first in, first out, and a queue that never drains does not grow without bound.
#include "dlms/fifo.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

TEST(Fifo, hands_entries_back_in_the_order_they_came) {
  dlms::Fifo<std::string> q;
  EXPECT_TRUE(q.empty());
  q.push_back("a");
  q.emplace_back(2, 'b');
  const std::vector<std::string> more{"c", "d"};
  q.append(more.begin(), more.end());
  ASSERT_EQ(q.size(), 4u);
  std::vector<std::string> out;
  while (!q.empty()) {
    out.push_back(std::move(q.front()));
    q.pop_front();
  }
  EXPECT_EQ(out, (std::vector<std::string>{"a", "bb", "c", "d"}));
  EXPECT_EQ(q.stored(), 0u);
}

TEST(Fifo, a_queue_that_never_drains_keeps_a_bounded_number_of_entries) {
  dlms::Fifo<int> q;
  q.push_back(0);
  for (int i = 1; i <= 10000; ++i) {
    q.push_back(i);
    EXPECT_EQ(q.front(), i - 1);
    q.pop_front();
    ASSERT_LE(q.stored(), 40u) << "after " << i << " pushes";
  }
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.front(), 10000);
}

TEST(Fifo, clear_empties_it) {
  dlms::Fifo<int> q;
  for (int i = 0; i < 5; ++i) q.push_back(i);
  q.pop_front();
  q.clear();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.size(), 0u);
  q.push_back(7);
  EXPECT_EQ(q.front(), 7);
}

}  // namespace
