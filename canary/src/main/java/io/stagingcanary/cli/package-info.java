/**
 * The jar's command line: {@code java -jar canary.jar [COMMAND] [OPTIONS]}. One class dispatches to
 * the agent (the default), the CI gate, the replay and the prune tool; {@code --help} and {@code
 * --version} answer without starting Spring, opening a port or writing a file.
 */
package io.stagingcanary.cli;
