/**
 * Classes that break the architecture rules on purpose, so {@code ArchitectureRulesBiteTest} can
 * show that each rule fails on a violation. Test sources only; never part of the agent.
 */
package archfixture;
