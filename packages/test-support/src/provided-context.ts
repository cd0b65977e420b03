// Types what the contract globalSetups provide to tests (`inject(...)`).
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of each vendor's Prism mock. */
    mockUrls: Record<'volcengine' | 'aliyun' | 'tencent' | 'agora', string>;
    /** The packed tarball of each publishable package, by package name. */
    tarballs: Record<string, string>;
  }
}
