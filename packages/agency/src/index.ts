export * from './handover-package.js';
export * from './connector.js';
export { folderConnector } from './folder-connector.js';
export { httpConnector, type HttpConnectorOptions } from './http-connector.js';
