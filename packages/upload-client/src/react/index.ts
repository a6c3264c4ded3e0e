/** React bindings over `@app/upload-client`. */
export {};
