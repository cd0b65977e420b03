// Types what the contract globalSetup provides to tests (`inject('mockUrls')`).
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    mockUrls: Record<'volcengine' | 'aliyun' | 'tencent', string>;
  }
}
