// Pure helpers of the packaging hooks (after-pack.mjs), kept apart so the tests can call them.

/** electron-builder's Arch enum (builder-util), by value. */
export const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/**
 * What a release build for `platform` (`darwin`, `win32`, `linux`) will sign, from the environment
 * electron-builder reads: macOS signs with CSC_LINK (+ CSC_KEY_PASSWORD) or a keychain identity
 * (CSC_NAME) and notarizes with APPLE_ID + APPLE_APP_SPECIFIC_PASSWORD + APPLE_TEAM_ID or
 * APPLE_API_KEY + APPLE_API_KEY_ID + APPLE_API_ISSUER; Windows signs with WIN_CSC_LINK (or CSC_LINK)
 * + its password; Linux packages are not signed. Returns the facts and one line to print.
 * @param {string} platform
 * @param {Record<string, string | undefined>} env
 * @returns {{ sign: boolean; notarize: boolean; missing: string[]; line: string }}
 */
export function signingPlan(platform, env) {
  const has = (name) => typeof env[name] === 'string' && env[name] !== '';
  if (platform === 'darwin') {
    const sign = has('CSC_LINK') || has('CSC_NAME');
    const notarize =
      (has('APPLE_ID') && has('APPLE_APP_SPECIFIC_PASSWORD') && has('APPLE_TEAM_ID')) ||
      (has('APPLE_API_KEY') && has('APPLE_API_KEY_ID') && has('APPLE_API_ISSUER'));
    const missing = [
      ...(sign ? [] : ['CSC_LINK (or CSC_NAME)']),
      ...(notarize ? [] : ['APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID (or APPLE_API_KEY, APPLE_API_KEY_ID, APPLE_API_ISSUER)']),
    ];
    const line =
      sign && notarize
        ? 'macOS: signing with the Developer ID certificate and notarizing with Apple.'
        : `macOS: NOT ${sign ? 'notarized' : 'signed or notarized'}: Gatekeeper will block the downloaded dmg (set ${missing.join('; ')}).`;
    return { sign, notarize, missing, line };
  }
  if (platform === 'win32') {
    const sign = has('WIN_CSC_LINK') || has('CSC_LINK');
    const missing = sign ? [] : ['WIN_CSC_LINK and WIN_CSC_KEY_PASSWORD'];
    const line = sign
      ? 'Windows: signing the installer and executables.'
      : 'Windows: NOT signed: SmartScreen will warn on the installer (set WIN_CSC_LINK and WIN_CSC_KEY_PASSWORD).';
    return { sign, notarize: false, missing, line };
  }
  return { sign: false, notarize: false, missing: [], line: 'Linux: deb and AppImage are not signed (nothing to set).' };
}

/**
 * The app's resources folder inside electron-builder's output for one platform.
 * @param {{ appOutDir: string; electronPlatformName: string; packager: { appInfo: { productFilename: string } } }} context
 * @param {(...parts: string[]) => string} join
 */
export function resourcesDir(context, join) {
  return context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas'
    ? join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`, 'Contents', 'Resources')
    : join(context.appOutDir, 'resources');
}
