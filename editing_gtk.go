//go:build desktop && linux && cgo

package main

/*
#cgo pkg-config: gtk+-3.0 webkit2gtk-4.0
#include <gtk/gtk.h>
#include <webkit2/webkit2.h>
#include <stdlib.h>

// findWebView returns the first WebKitWebView under w, or NULL.
static WebKitWebView* findWebView(GtkWidget* w) {
	if (WEBKIT_IS_WEB_VIEW(w)) return WEBKIT_WEB_VIEW(w);
	if (!GTK_IS_CONTAINER(w)) return NULL;
	WebKitWebView* found = NULL;
	GList* children = gtk_container_get_children(GTK_CONTAINER(w));
	for (GList* l = children; l != NULL && found == NULL; l = l->next) found = findWebView(GTK_WIDGET(l->data));
	g_list_free(children);
	return found;
}

// runEditingCommand runs on the GTK main loop: it executes the WebKit
// editing command (e.g. "Copy") in the app's web view, where the focus is.
static gboolean runEditingCommand(gpointer data) {
	char* command = (char*)data;
	GList* tops = gtk_window_list_toplevels();
	for (GList* l = tops; l != NULL; l = l->next) {
		WebKitWebView* view = findWebView(GTK_WIDGET(l->data));
		if (view != NULL) {
			webkit_web_view_execute_editing_command(view, command);
			break;
		}
	}
	g_list_free(tops);
	free(command);
	return G_SOURCE_REMOVE;
}

static void queueEditingCommand(char* command) {
	g_idle_add(runEditingCommand, command);
}
*/
import "C"

// nativeEdit runs a WebKit editing command ("Cut", "Copy", "Paste",
// "SelectAll", "Undo", "Redo") in the window's web view, as the web view's
// own key bindings do. It is safe to call from any goroutine.
var nativeEdit = func(command string) {
	C.queueEditingCommand(C.CString(command))
}
