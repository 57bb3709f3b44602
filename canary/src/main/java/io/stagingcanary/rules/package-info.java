/** Pure core: tool policies, verdicts and their evaluation over a diff. No framework, no IO. */
package io.stagingcanary.rules;
