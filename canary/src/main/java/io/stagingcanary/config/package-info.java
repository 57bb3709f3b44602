/**
 * The typed {@code canary.*} properties shared by several features, the clock and property
 * converters. Depends on no feature.
 */
package io.stagingcanary.config;
