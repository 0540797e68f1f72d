export { mean, sampleStd, sampleVariance } from './descriptive.js';
export { logGamma, regularizedIncompleteBeta } from './special-functions.js';
export { studentTCdf, studentTTwoSidedP } from './student-t.js';
export { welchTTest, type WelchTest } from './welch.js';
