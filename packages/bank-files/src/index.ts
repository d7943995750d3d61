export * from './errors.js';
export * from './amounts.js';
export * from './camt.js';
export * from './matching.js';
export { readXml, unescapeXml, DEFAULT_XML_LIMITS, type XElement, type XmlDocument, type XmlLimits } from './xml.js';
