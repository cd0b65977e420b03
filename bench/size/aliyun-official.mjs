// The same call with @alicloud/openapi-client (callApi, V3 signature).
import * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';
const OpenApi = $OpenApi.default.default ?? $OpenApi.default;
const client = new OpenApi(new $OpenApi.Config({ accessKeyId: 'AK', accessKeySecret: 'SK', endpoint: 'live.aliyuncs.com' }));
const params = new $OpenApi.Params({
  action: 'BatchGetOnlineUsers',
  version: '2016-11-01',
  protocol: 'HTTPS',
  pathname: '/',
  method: 'POST',
  authType: 'AK',
  style: 'RPC',
  reqBodyType: 'formData',
  bodyType: 'json',
});
client.callApi(params, new $OpenApi.OpenApiRequest({ body: { AppId: 'app', GroupId: 'g', UserIds: 'u1' } }), new $Util.RuntimeOptions({})).then(console.log);
