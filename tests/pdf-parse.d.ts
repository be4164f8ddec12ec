/** pdf-parse 1.1.1 (CommonJS, no types): its library entry, without the index's debug code. */
declare module 'pdf-parse/lib/pdf-parse.js' {
  function pdfParse(data: Buffer): Promise<{ text: string; numpages: number }>;
  export default pdfParse;
}
