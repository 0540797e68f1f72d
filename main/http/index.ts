export { startHttpServer, type HttpServerHandle, type HttpServerOptions } from './server.js';
export { generateToken } from './token.js';
