import { getSessionCookie } from "better-auth/cookies";
import { type NextRequest, NextResponse } from "next/server";

/** Pages anyone may open: signing in, first-run setup, invitations and password resets. */
const publicPages = ["/sign-in", "/setup", "/forgot-password", "/reset-password", "/invite/"];

/**
 * Signed-out visitors of app pages go to sign-in (a fast cookie check; every page and action verifies the
 * session itself). API routes are not handled here: /api/v1 answers 401 JSON, /api/inngest checks
 * signatures, /api/auth is better-auth's.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (publicPages.some((p) => pathname === p || (p.endsWith("/") && pathname.startsWith(p)))) return NextResponse.next();
  if (getSessionCookie(request)) return NextResponse.next();
  const signIn = new URL("/sign-in", request.url);
  if (pathname !== "/") signIn.searchParams.set("next", `${pathname}${search}`);
  return NextResponse.redirect(signIn);
}

export const config = {
  matcher: ["/((?!api/|_next/|favicon.ico|.*\\.(?:svg|png|jpg|ico|css|js)$).*)"],
};
