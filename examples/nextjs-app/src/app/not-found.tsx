import Link from "next/link";

export default function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p>There is no page at this address.</p>
      <Link href="/">Back to the public posts</Link>
    </>
  );
}
