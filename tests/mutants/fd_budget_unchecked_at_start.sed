# breaks: run starts a fleet over the open files limit
# file: src/app/run_command.cpp
# build: dlms-bridge bridge_e2e_tests
# kill: ^FdBudget\.a_fleet_over_the_open_files_limit
/const auto budget = fd_budget(cfg);/,/fd_budget_problem/ s/    if (auto problem = fd_budget_problem(budget, fd_limit_)) {/    if (auto problem = std::optional<std::string>{}) {/
