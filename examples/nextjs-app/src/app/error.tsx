"use client";
// The last resort of a page that threw: said in words, with a way to try again.
// (In production Next.js hides a server error's message from the browser; the server's log has it.)
export default function PageError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <>
      <h1>Something went wrong</h1>
      <p className="form-error">This page could not be shown right now. The services may be restarting; try again in a moment.</p>
      <button type="button" onClick={() => reset()}>
        Try again
      </button>
    </>
  );
}
