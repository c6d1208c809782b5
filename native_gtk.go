//go:build desktop && linux && cgo

// The window's native side that Wails v2 does not reach on Linux: the Edit
// menu's commands in the web view, and File › Open recent kept current.
package main

/*
#cgo pkg-config: gtk+-3.0 webkit2gtk-4.0
#include <gtk/gtk.h>
#include <webkit2/webkit2.h>
#include <stdlib.h>
#include <string.h>

// findWidget returns the first widget of type t in the tree under w, or NULL.
static GtkWidget* findWidget(GtkWidget* w, GType t) {
	if (G_TYPE_CHECK_INSTANCE_TYPE(w, t)) return w;
	if (!GTK_IS_CONTAINER(w)) return NULL;
	GtkWidget* found = NULL;
	GList* children = gtk_container_get_children(GTK_CONTAINER(w));
	for (GList* l = children; l != NULL && found == NULL; l = l->next) found = findWidget(GTK_WIDGET(l->data), t);
	g_list_free(children);
	return found;
}

// findInWindows returns the first widget of type t in any toplevel window.
static GtkWidget* findInWindows(GType t) {
	GtkWidget* found = NULL;
	GList* tops = gtk_window_list_toplevels();
	for (GList* l = tops; l != NULL && found == NULL; l = l->next) found = findWidget(GTK_WIDGET(l->data), t);
	g_list_free(tops);
	return found;
}

// runEditingCommand runs on the GTK main loop: it executes the WebKit
// editing command (e.g. "Copy") in the app's web view, where the focus is.
static gboolean runEditingCommand(gpointer data) {
	char* command = (char*)data;
	GtkWidget* view = findInWindows(WEBKIT_TYPE_WEB_VIEW);
	if (view != NULL) webkit_web_view_execute_editing_command(WEBKIT_WEB_VIEW(view), command);
	free(command);
	return G_SOURCE_REMOVE;
}

static void queueEditingCommand(char* command) {
	g_idle_add(runEditingCommand, command);
}

extern void streamscopeRecentClicked(int);

// submenuOf returns the submenu of the item labelled label in shell, or NULL.
static GtkWidget* submenuOf(GtkWidget* shell, const char* label) {
	if (shell == NULL) return NULL;
	GtkWidget* found = NULL;
	GList* children = gtk_container_get_children(GTK_CONTAINER(shell));
	for (GList* l = children; l != NULL && found == NULL; l = l->next) {
		if (!GTK_IS_MENU_ITEM(l->data)) continue;
		const char* have = gtk_menu_item_get_label(GTK_MENU_ITEM(l->data));
		if (have != NULL && strcmp(have, label) == 0) found = gtk_menu_item_get_submenu(GTK_MENU_ITEM(l->data));
	}
	g_list_free(children);
	return found;
}

static void onRecent(GtkMenuItem* item, gpointer data) {
	streamscopeRecentClicked(GPOINTER_TO_INT(data));
}

typedef struct {
	char** labels;
	int n;
	char* empty;
} recentUpdate;

// applyRecent runs on the GTK main loop: it replaces the items of
// File › Open recent.
static gboolean applyRecent(gpointer data) {
	recentUpdate* u = (recentUpdate*)data;
	GtkWidget* sub = submenuOf(submenuOf(findInWindows(GTK_TYPE_MENU_BAR), "File"), "Open recent");
	if (sub != NULL) {
		GList* old = gtk_container_get_children(GTK_CONTAINER(sub));
		for (GList* l = old; l != NULL; l = l->next) gtk_widget_destroy(GTK_WIDGET(l->data));
		g_list_free(old);
		if (u->n == 0) {
			GtkWidget* item = gtk_menu_item_new_with_label(u->empty);
			gtk_widget_set_sensitive(item, FALSE);
			gtk_menu_shell_append(GTK_MENU_SHELL(sub), item);
			gtk_widget_show(item);
		}
		for (int i = 0; i < u->n; i++) {
			GtkWidget* item = gtk_menu_item_new_with_label(u->labels[i]);
			g_signal_connect(item, "activate", G_CALLBACK(onRecent), GINT_TO_POINTER(i));
			gtk_menu_shell_append(GTK_MENU_SHELL(sub), item);
			gtk_widget_show(item);
		}
	}
	for (int i = 0; i < u->n; i++) free(u->labels[i]);
	free(u->labels);
	free(u->empty);
	free(u);
	return G_SOURCE_REMOVE;
}

static recentUpdate* newRecentUpdate(int n) {
	recentUpdate* u = calloc(1, sizeof(recentUpdate));
	u->n = n;
	u->labels = calloc(n > 0 ? n : 1, sizeof(char*));
	return u;
}

static void setRecentLabel(recentUpdate* u, int i, char* label) { u->labels[i] = label; }
static void setRecentEmpty(recentUpdate* u, char* label) { u->empty = label; }
static void queueRecent(recentUpdate* u) { g_idle_add(applyRecent, u); }
*/
import "C"

import "sync"

// nativeEdit runs a WebKit editing command ("Cut", "Copy", "Paste",
// "SelectAll", "Undo", "Redo") in the window's web view, as the web view's
// own key bindings do. It is safe to call from any goroutine.
var nativeEdit = func(command string) {
	C.queueEditingCommand(C.CString(command))
}

var recentClicks struct {
	sync.Mutex
	open func(int)
}

//export streamscopeRecentClicked
func streamscopeRecentClicked(i C.int) {
	recentClicks.Lock()
	open := recentClicks.open
	recentClicks.Unlock()
	if open != nil {
		go open(int(i)) // off the GTK main loop: opening emits to the UI
	}
}

// nativeRecentMenu replaces the items of File › Open recent in the
// window's menu bar (Wails v2 cannot rebuild a menu on Linux once the
// window is open). open is called with the index of the item chosen. Safe
// to call from any goroutine.
var nativeRecentMenu = func(labels []string, empty string, open func(int)) {
	recentClicks.Lock()
	recentClicks.open = open
	recentClicks.Unlock()
	u := C.newRecentUpdate(C.int(len(labels)))
	for i, l := range labels {
		C.setRecentLabel(u, C.int(i), C.CString(l))
	}
	C.setRecentEmpty(u, C.CString(empty))
	C.queueRecent(u)
}
