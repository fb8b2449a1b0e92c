// The parts of Bun's and Deno's globals the README's deploy recipes use (their own type packages
// are not dependencies of this project). Not part of any snippet.
declare const Bun: {
  serve(options: {
    hostname: string
    port: number
    fetch: (request: Request, server: { requestIP(request: Request): { address: string } | null }) => Promise<Response>
  }): { url: URL }
  env: Record<string, string | undefined>
}
declare const Deno: {
  serve(
    options: { hostname: string; port: number; onListen?: (address: { hostname: string; port: number }) => void },
    handler: (request: Request, info: { remoteAddr: { hostname: string } }) => Promise<Response>,
  ): unknown
  env: { get(name: string): string | undefined }
}
